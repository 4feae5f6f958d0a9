import { json, type NextFunction, type Request, type Response } from 'express';
import { bodyParserError, send } from './http-error.filter';

// express.json with our error shape: a malformed or oversized body is answered here, before routing.
export function jsonBody(limitMb: number) {
  const parse = json({ limit: `${limitMb}mb`, strict: false });
  return (req: Request, res: Response, next: NextFunction) => {
    parse(req, res, (err?: unknown) => {
      if (!err) return next();
      const e = bodyParserError(err);
      if (e) return send(res, e.status, e.code, e.message);
      return send(res, 400, 'invalid_body', 'the body could not be read');
    });
  };
}
