import 'reflect-metadata';
import {
  type DynamicModule,
  type INestApplicationContext,
  Module,
  type Provider,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule } from '@nestjs/config';
import { baseEnvSchema, parseEnv } from '@lianjian/common';

@Module({})
class CommandModule {}

// A Nest application context (no HTTP server) for a command that needs the product's services: the
// configuration validated from the environment as the apps validate it, then the given modules.
// Built when called, so a command that first points DATABASE_URL at a scratch database gets that one.
export function createCommandContext(
  imports: (Type<unknown> | DynamicModule)[],
  providers: Provider[] = [],
): Promise<INestApplicationContext> {
  const module: DynamicModule = {
    module: CommandModule,
    imports: [
      ConfigModule.forRoot({
        isGlobal: true,
        ignoreEnvFile: true,
        validate: (env) => parseEnv(baseEnvSchema, env),
      }),
      ...imports,
    ],
    providers,
  };
  return NestFactory.createApplicationContext(module, { logger: ['error', 'warn'] });
}
