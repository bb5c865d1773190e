import { createContext } from 'react';
import type { Credentials } from '../api/readApi';

/** The signed-in key and app, held in memory only: never in storage, a cookie or the address. */
export const CredentialsContext = createContext<Credentials | null>(null);
