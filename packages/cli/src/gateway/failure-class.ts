/**
 * The failure class of a response the gateway passed through (the upstream's own status), for
 * metrics and the access log. Answers the gateway made itself take their class from decide().
 * An upstream's 5xx is "dependency" from the gateway's point of view except 500/501, which say
 * the upstream has a bug. "" for a success.
 */
import type { FailureClass } from "truestatus";

export function classOfStatus(status: number): FailureClass | "" {
  if (status < 400) return "";
  switch (status) {
    case 401:
    case 403:
    case 407:
      return "auth";
    case 404:
    case 410:
      return "not_found";
    case 429:
      return "throttling";
    case 499:
      return "client_abort";
    case 500:
    case 501:
      return "server_bug";
    default:
      return status >= 500 ? "dependency" : "validation";
  }
}
