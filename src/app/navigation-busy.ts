import { createContext, useContext } from 'react';

/** True while a navigation is under way: the page on screen stays until the next one's code and data are there. */
export const NavigationBusyContext = createContext(false);

export function useNavigationBusy(): boolean {
  return useContext(NavigationBusyContext);
}
