import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { HttpError } from '../../core/errors.js';

interface BodyParserError {
  type?: string;
  status?: number;
}

/** Turns anything thrown into Discord's `{code, message, errors}`; internals never leave the node. */
export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    let error: HttpError;
    if (err instanceof HttpError) {
      error = err;
    } else {
      const type = (err as BodyParserError | undefined)?.type;
      if (type === 'entity.parse.failed') error = new HttpError('INVALID_JSON');
      else if (type === 'entity.too.large') error = new HttpError('ENTITY_TOO_LARGE');
      else if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
        error = new HttpError('INVALID_FORM_BODY', { errors: { _errors: [{ code: 'CONTENT_TYPE_INVALID', message: 'Unsupported body encoding' }] } });
      } else if ((err as BodyParserError | undefined)?.status === 400) {
        // Other body-parser failures (e.g. corrupt compressed data) and undecodable path parameters.
        error = new HttpError('INVALID_FORM_BODY');
      } else {
        logger.error({ err, method: req.method, url: req.originalUrl }, 'unhandled error in request');
        error = new HttpError('INTERNAL');
      }
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    if (error.headers) res.set(error.headers);
    res.status(error.status).json(error.toJSON());
  };
}
