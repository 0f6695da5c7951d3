/**
 * NestJS's HttpException (`getStatus()`, `getResponse()`): a 400 whose response lists messages
 * (ValidationPipe: `{ message: ["qty must be an integer number", ...] }`) is a schema failure with
 * one field error per message; any other keeps its status (recognize/status.ts reads `status`).
 */
import { invalid } from "../../semantics/failure.js";
import { clip, MAX_FIELD_ERRORS } from "./pointer.js";
import { type Bag, isObject } from "./shape.js";
import type { Translated } from "./types.js";

export function fromNest(e: Bag): Translated | undefined {
  if (typeof e.getStatus !== "function" || typeof e.getResponse !== "function") return undefined;
  if (e.getStatus() !== 400) return undefined;
  const response: unknown = e.getResponse();
  if (!isObject(response) || !Array.isArray(response.message)) return undefined;
  const messages = response.message.filter((m): m is string => typeof m === "string");
  if (messages.length === 0) return undefined;
  return invalid({
    errors: messages.slice(0, MAX_FIELD_ERRORS).map((m) => {
      // ValidationPipe's messages start with the property's name: "qty must be ...".
      const name = /^([A-Za-z_$][\w$]*)\s/.exec(m)?.[1];
      return name === undefined ? { detail: clip(m) } : { pointer: `/${name}`, detail: clip(m) };
    }),
  });
}
