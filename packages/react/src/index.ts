export { ActiveUsers, type ActiveUsersProps } from './ActiveUsers';
export { HeadcountProvider, type HeadcountProviderProps } from './HeadcountProvider';
export { useActiveUsers, type UseActiveUsersOptions } from './useActiveUsers';
export { useHeadcount } from './useHeadcount';
export { ActiveUsersError, type ActiveUsersState, type ActiveUsersStatus } from '@headcount/browser/live';
