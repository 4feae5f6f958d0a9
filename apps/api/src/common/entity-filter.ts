import { InvalidInputError } from '@lianjian/common';
import type { EntityRepository } from '@lianjian/database';
import { parseEntityKey } from '@lianjian/domain';

// The entity a list's `entity` filter names (USCC or scheme:id): undefined when there is no filter,
// null when no such entity exists (the list is then empty), 400 when the key is neither form.
export async function entityFilter(
  entities: EntityRepository,
  key: string | undefined,
): Promise<string | null | undefined> {
  if (!key) return undefined;
  const ref = parseEntityKey(key);
  if (!ref)
    throw new InvalidInputError('invalid query parameters', [
      `entity: '${key}' is neither a valid USCC nor an external id of the form scheme:id`,
    ]);
  return (await entities.findByRef(ref))?.id ?? null;
}
