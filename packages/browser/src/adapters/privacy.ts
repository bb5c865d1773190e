/** Do Not Track and Global Privacy Control, for `respectDoNotTrack`. */
export const doNotTrack = (): boolean =>
  // window.doNotTrack was IE 11's and old Edge's, which cannot run the bundle (ES2020).
  navigator.doNotTrack == '1' || (navigator as Navigator & { globalPrivacyControl?: boolean }).globalPrivacyControl === true;
