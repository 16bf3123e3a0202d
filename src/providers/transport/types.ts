/** A `fetch` with its own connection pool; `close()` drops the idle keep-alive sockets. */
export interface HttpFetch {
  (input: string | URL | Request, init?: RequestInit): Promise<Response>;
  close(): void;
}

export interface HttpFetchOptions {
  /** Sockets per origin; unbounded by default (the runner's semaphores bound concurrency). */
  maxSockets?: number;
  /**
   * How long an idle keep-alive socket is kept. Below the common server default (Node's 5 s)
   * so that we, not the server, close it: reusing a socket the server is closing fails.
   */
  idleSocketMs?: number;
  /** Redirects followed before failing, as fetch does (fetch's limit is 20). */
  maxRedirects?: number;
  /** Used for what this transport does not handle itself (streamed bodies, `Request` input). */
  fallback?: typeof fetch;
}
