import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router-dom";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import "./i18n";
import { adoptTokenFromUrl } from "./auth/token";
import { startSession } from "./api/client";
import { App } from "./App";
import "./console.css";

// A token in the URL (the link `make run` prints) signs this tab in; the session cookie lets /dashboard read too.
if (adoptTokenFromUrl(window.location, window.history)) void startSession().catch(() => undefined);

const queries = new QueryClient({
  defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } },
});

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queries}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
