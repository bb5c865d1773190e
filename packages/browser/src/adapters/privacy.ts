/** Do Not Track and Global Privacy Control, for `respectDoNotTrack`. */
export const doNotTrack = (): boolean => {
  const n = navigator as Navigator & { globalPrivacyControl?: boolean };
  // window.doNotTrack was IE 11's and old Edge's, which cannot run the bundle (ES2020).
  return n.doNotTrack == '1' || n.globalPrivacyControl === true;
};
