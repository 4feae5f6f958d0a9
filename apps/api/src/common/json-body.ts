import { json, type NextFunction, type Request, type Response } from 'express';
import { jsonTextProblem } from '@lianjian/common';
import { bodyParserError, send } from './http-error.filter';

// A body whose JSON means something else than it says (issue 13, bad input widened): refused with
// 400 invalid_json before it is parsed, so no handler ever sees it (see jsonTextProblem: a key twice,
// __proto__/constructor/prototype keys, nesting deeper than 32, integers beyond ±2^53 − 1, numbers
// beyond a double). Bare JSON values (a string, null, an array) are parsed as before and left to
// each route's schema to refuse: handled without effect.
class HostileJsonError extends Error {}

// express.json with our error shape: a malformed or oversized body is answered here, before routing.
export function jsonBody(limitMb: number) {
  const parse = json({
    limit: `${limitMb}mb`,
    strict: false,
    verify: (_req, _res, buf, encoding) => {
      const text = /^utf-?8$/i.test(encoding) ? buf.toString('utf8') : new TextDecoder(encoding).decode(buf);
      const problem = jsonTextProblem(text);
      if (problem) throw new HostileJsonError(problem);
    },
  });
  return (req: Request, res: Response, next: NextFunction) => {
    parse(req, res, (err?: unknown) => {
      if (!err) return next();
      if (err instanceof HostileJsonError)
        return send(
          res,
          400,
          'invalid_json',
          `the body is refused: ${err.message}; nothing was stored / 请求内容被拒绝，未保存任何数据`,
        );
      const e = bodyParserError(err);
      if (e) return send(res, e.status, e.code, e.message);
      return send(res, 400, 'invalid_body', 'the body could not be read');
    });
  };
}
