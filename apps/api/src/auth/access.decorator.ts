import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Permission, Principal } from '@lianjian/access';

// Every route says who may call it: @Allow('permission') (the role table in @lianjian/access says who
// holds it) or @Public(). A route with neither is refused to everyone (deny by default).
export const ALLOW_KEY = 'lianjian:allow';
export const PUBLIC_KEY = 'lianjian:public';
export const WHILE_ENROLLING_KEY = 'lianjian:while-enrolling';

export const Allow = (...permissions: Permission[]) => SetMetadata(ALLOW_KEY, permissions);
export const Public = () => SetMetadata(PUBLIC_KEY, true);
// Also open to an administrator who signed in without a second factor yet (enrol, who am I, sign out).
export const WhileEnrolling = () => SetMetadata(WHILE_ENROLLING_KEY, true);

export interface AuthenticatedRequest {
  principal?: Principal;
}

// The caller the guard authenticated, for controllers: @Caller() caller: Principal.
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!req.principal) throw new Error('@Caller() on a route the access guard did not authenticate');
  return req.principal;
});
