// A consumer project's FC handler (see entity.ts).
import { defineFunction } from 'tsorm/fc';
import { Item } from './entity.js';

export const { initializer, handler } = defineFunction({
  entities: [Item],
  event: async (event, { repo }) => {
    const { id, name } = JSON.parse(event.toString()) as { id: string; name: string };
    const items = repo(Item);
    // @ts-expect-error count is an int64 column in bigint mode: a string does not compile. (If the types did not
    // resolve, `repo` would be `any` and this directive would itself fail the compilation.)
    if (id === '') await items.insert({ id, name, count: 'one' });
    await items.insert({ id, name, count: 41n });
    await items.increment({ id }, 'count', 1n);
    const got = await items.get({ id });
    return { name: got?.name, count: String(got?.count), version: got?.version };
  },
});
