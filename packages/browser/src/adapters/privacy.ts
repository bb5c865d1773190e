/** Do Not Track and Global Privacy Control, for `respectDoNotTrack`. */
export const doNotTrack = (): boolean => {
  const n = navigator as Navigator & { globalPrivacyControl?: boolean };
  return n.doNotTrack == '1' || (window as { doNotTrack?: string }).doNotTrack == '1' || n.globalPrivacyControl === true;
};
