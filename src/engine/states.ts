// Generic active-state predicates (01 §3); every module asks these instead of listing states.
import type { ActiveState } from './types.ts';

export const isActiveOrReloading = (s: ActiveState): boolean => s === 'active' || s === 'reloading';
export const isActiveOrActivating = (s: ActiveState): boolean => s === 'active' || s === 'reloading' || s === 'activating';
export const isInactiveOrFailed = (s: ActiveState): boolean => s === 'inactive' || s === 'failed';
export const isInactiveOrDeactivating = (s: ActiveState): boolean => s === 'inactive' || s === 'failed' || s === 'deactivating';
