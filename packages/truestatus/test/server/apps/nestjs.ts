/**
 * The same API in NestJS (on Express). Decorators are applied by hand (Reflect.decorate): the test
 * build (esbuild) has no emitDecoratorMetadata, and nothing here needs constructor injection.
 */
import "reflect-metadata";
import Boom from "@hapi/boom";
import { Controller, Get, Module, Post, Req, UseGuards } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import type { NestExpressApplication } from "@nestjs/platform-express";
import type { Request } from "express";
import createError from "http-errors";
import { jsonBody, softErrors } from "../../../src/server/express.js";
import { requireAuth, requireScope, TruestatusFilter } from "../../../src/server/nestjs.js";
import {
  type AppConfig,
  BODY_LIMIT,
  callUpstream,
  crash,
  type Identity,
  orderSchema,
  placeOrder,
  type Started,
  THROWN_CONSTRUCTORS,
  verify,
} from "./domain.js";

type Decorator = MethodDecorator;

/** Applies method decorators and a @Req() to the first parameter, as `@Get() m(@Req() req)`. */
function route(target: object, key: string, decorators: Decorator[]): void {
  const descriptor = Object.getOwnPropertyDescriptor(target, key)!;
  Object.defineProperty(target, key, Reflect.decorate(decorators, target, key, descriptor));
  Req()(target, key, 0);
}

export async function start(config: AppConfig): Promise<Started> {
  const auth = requireAuth<Identity>(verify);

  class OrdersController {
    me(req: Request) {
      const me: Identity = auth.identity(req);
      return { id: me.id };
    }
    list() {
      return [];
    }
    create(req: Request) {
      return placeOrder(orderSchema.parse(req.body));
    }
    httpErrors() {
      throw createError(410, "This order was archived.");
    }
    boom() {
      throw Boom.conflict("The order has already shipped.");
    }
    refused() {
      return callUpstream(config.refusedUrl);
    }
    timeout() {
      return callUpstream(config.hangingUrl);
    }
    crash() {
      return crash();
    }
    soft() {
      return { error: "card declined" };
    }
    identityWithoutAuth(req: Request) {
      return auth.identity(req);
    }
  }
  const p = OrdersController.prototype;
  route(p, "me", [Get("/me"), UseGuards(auth)]);
  route(p, "list", [Get("/orders"), UseGuards(auth)]);
  route(p, "create", [Post("/orders"), UseGuards(auth, requireScope("orders:write"))]);
  route(p, "httpErrors", [Get("/throw/http-errors")]);
  route(p, "boom", [Get("/throw/boom")]);
  route(p, "refused", [Get("/upstream/refused")]);
  route(p, "timeout", [Get("/upstream/timeout")]);
  route(p, "crash", [Get("/crash")]);
  route(p, "soft", [Get("/soft")]);
  route(p, "identityWithoutAuth", [Get("/trap/identity-without-auth")]);
  for (const [path, handler] of Object.entries(THROWN_CONSTRUCTORS)) {
    const key = `trap ${path}`;
    Object.defineProperty(p, key, { value: handler, configurable: true, writable: true });
    route(p, key, [Get(path)]);
  }
  Controller()(OrdersController);

  class AppModule {}
  Module({ controllers: [OrdersController] })(AppModule);

  // Nest's JSON parser is body-parser's (lenient UTF-8, a misleading 400 for another type):
  // truestatus's refuses truthfully.
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bodyParser: false,
    logger: false,
  });
  if (config.softErrors) app.use(softErrors({ logger: config.log }));
  app.use(jsonBody({ limit: BODY_LIMIT }));
  app.useGlobalFilters(
    new TruestatusFilter({
      policy: config.policy ?? {},
      logger: config.log,
      ...(config.onFailure ? { onFailure: config.onFailure } : {}),
    }),
  );
  await app.listen(0, "127.0.0.1");
  const server = app.getHttpServer();
  const url = await app.getUrl();
  return {
    url: url.replace("[::1]", "127.0.0.1"),
    close: async () => {
      server.closeAllConnections();
      await app.close();
    },
  };
}
