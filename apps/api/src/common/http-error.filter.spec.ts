import { databaseUnavailable } from './http-error.filter';

// PostgreSQL unreachable is a 503 (come back later), not a 500: told apart from errors of the query.
describe('databaseUnavailable', () => {
  it('recognises a refused, cut or shutting-down connection, raw or wrapped by TypeORM', () => {
    expect(
      databaseUnavailable(
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      ),
    ).toBe(true);
    expect(
      databaseUnavailable({
        message: 'x',
        driverError: { code: '57P01', message: 'terminating connection' },
      }),
    ).toBe(true);
    expect(databaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(databaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
  });

  it('leaves errors of the query itself alone', () => {
    expect(databaseUnavailable({ message: 'duplicate key', driverError: { code: '23505' } })).toBe(false);
    expect(databaseUnavailable(new Error('boom'))).toBe(false);
    expect(databaseUnavailable(undefined)).toBe(false);
  });
});
