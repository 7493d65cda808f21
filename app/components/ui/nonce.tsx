import { createContext, useContext } from "react";

/**
 * The Content-Security-Policy nonce of the response being rendered (server only; browsers hide it from scripts).
 * entry.server provides it; the document puts it on Remix's inline scripts.
 */
export const NonceContext = createContext<string | undefined>(undefined);

export function useNonce(): string | undefined {
  return useContext(NonceContext);
}
