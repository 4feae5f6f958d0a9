import { Module } from '@nestjs/common';
import { ScoreRunsController } from './score-runs.controller';
import { ScoreRunsService } from './score-runs.service';

@Module({ controllers: [ScoreRunsController], providers: [ScoreRunsService] })
export class ScoreRunsModule {}
