import { Module } from '@nestjs/common';
import { AccountsController } from './accounts.controller';
import { AccountsService } from './accounts.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { HashGate } from './hash-gate';
import { LoginLimiter } from './login-limiter';
import { TotpService } from './totp.service';

// Sign-in and accounts. The guard that authenticates every route (AccessGuard) is registered by
// AppModule as the app-wide guard.
@Module({
  controllers: [AuthController, AccountsController],
  providers: [AuthService, AccountsService, LoginLimiter, HashGate, TotpService],
})
export class AuthModule {}
