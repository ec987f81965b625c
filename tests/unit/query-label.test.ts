import { PGlite } from '@electric-sql/pglite';
import { eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { currentQueryLabel, labelStatements, named } from '../../src/lib/observability/query-label';
import { compiledSql } from '../../src/lib/database/compiled-sql';

// Decision 036: a statement is named by the function that built it, whichever way drizzle sends it.

const notes = pgTable('notes', { id: integer('id').primaryKey(), body: text('body').notNull() });
const schema = { notes };

describe('statement labels', () => {
  const client = new PGlite();
  const sent: string[] = [];
  // What the driver sees: the label in force when each statement reaches the client.
  const record = <T extends { query: (...args: never[]) => unknown }>(target: T) => {
    const query = target.query.bind(target) as (...args: unknown[]) => unknown;
    (target as { query: unknown }).query = (...args: unknown[]) => {
      sent.push(currentQueryLabel());
      return query(...args);
    };
  };
  record(client);
  const transaction = client.transaction.bind(client);
  client.transaction = ((run: (tx: Parameters<Parameters<PGlite['transaction']>[0]>[0]) => unknown) =>
    transaction(async (tx) => {
      record(tx);
      return run(tx);
    })) as PGlite['transaction'];
  const db = labelStatements(drizzle(client, { schema }));

  beforeAll(async () => {
    await client.exec('CREATE TABLE notes (id integer PRIMARY KEY, body text NOT NULL)');
  });
  afterAll(async () => {
    await client.close();
  });

  const labelsOf = async (run: () => Promise<unknown>) => {
    sent.length = 0;
    await run();
    return [...sent];
  };

  async function addNote(id: number) {
    return db
      .insert(notes)
      .values({ id, body: `note ${id}` })
      .returning();
  }
  async function readNote(id: number) {
    return db.select().from(notes).where(eq(notes.id, id));
  }
  async function readNoteByExecute(id: number) {
    return db.select().from(notes).where(eq(notes.id, id)).execute();
  }
  async function renameNote(id: number) {
    return db.update(notes).set({ body: 'renamed' }).where(eq(notes.id, id));
  }
  async function countNotes() {
    return db.$count(notes);
  }
  async function rawCount() {
    return db.execute(sql`SELECT count(*) FROM notes`);
  }
  async function findWithQuery() {
    return db.query.notes.findMany();
  }
  async function findWithQueryAgain() {
    return db.query.notes.findFirst();
  }
  async function removeNote(id: number) {
    return db.delete(notes).where(eq(notes.id, id));
  }
  function builtHere(id: number) {
    // Built here, awaited by the caller after this frame is gone.
    return db.select().from(notes).where(eq(notes.id, id));
  }
  async function inTransaction() {
    return db.transaction(async (tx) => {
      await tx.insert(notes).values({ id: 90, body: 'in a transaction' });
      return tx.select().from(notes);
    });
  }

  const countCompiled = compiledSql(
    'notes.countCompiled',
    ['min'],
    ({ min }) => sql`SELECT count(*) FROM notes WHERE id >= ${min}`,
  );
  async function sendCompiled() {
    return db.execute(countCompiled({ min: 0 }));
  }

  it('takes the label a statement or a transaction names, without reading the stack', async () => {
    const stacks = vi.spyOn(Error, 'captureStackTrace');
    try {
      expect(await labelsOf(() => sendCompiled())).toEqual(['notes.countCompiled']);
      const inside: string[] = [];
      const seen = await labelsOf(() =>
        db.transaction(
          named('notes.namedTransaction', async (tx) => {
            inside.push(currentQueryLabel());
            return tx.execute(countCompiled({ min: 1 }));
          }),
        ),
      );
      expect(inside).toEqual(['notes.namedTransaction']);
      expect(seen).toEqual(['notes.countCompiled']);
      expect(stacks).not.toHaveBeenCalled();
      // Unnamed, the caller is read from the stack.
      await labelsOf(() => rawCount());
      expect(stacks).toHaveBeenCalled();
    } finally {
      stacks.mockRestore();
    }
  });

  it('names each statement by the function that built it', async () => {
    expect(await labelsOf(() => addNote(1))).toEqual(['query-label.test.addNote']);
    expect(await labelsOf(() => readNote(1))).toEqual(['query-label.test.readNote']);
    expect(await labelsOf(() => readNoteByExecute(1))).toEqual(['query-label.test.readNoteByExecute']);
    expect(await labelsOf(() => renameNote(1))).toEqual(['query-label.test.renameNote']);
    expect(await labelsOf(() => countNotes())).toEqual(['query-label.test.countNotes']);
    expect(await labelsOf(() => rawCount())).toEqual(['query-label.test.rawCount']);
    expect(await labelsOf(() => removeNote(1))).toEqual(['query-label.test.removeNote']);
    expect(await labelsOf(async () => await builtHere(1))).toEqual(['query-label.test.builtHere']);
  });

  it('names the relational API by its caller, each use of the shared builder its own', async () => {
    expect(await labelsOf(() => findWithQuery())).toEqual(['query-label.test.findWithQuery']);
    expect(await labelsOf(() => findWithQueryAgain())).toEqual(['query-label.test.findWithQueryAgain']);
    expect(await labelsOf(() => findWithQuery())).toEqual(['query-label.test.findWithQuery']);
  });

  it('keeps each label to its own statement when statements run at once', async () => {
    const labels = await labelsOf(() => Promise.all([addNote(2), readNote(2), countNotes(), builtHere(2)]));
    expect([...labels].sort()).toEqual([
      'query-label.test.addNote',
      'query-label.test.builtHere',
      'query-label.test.countNotes',
      'query-label.test.readNote',
    ]);
  });

  it("names a transaction's statements, and answers as drizzle does", async () => {
    // The statements of its anonymous callback by their module (PGlite sends BEGIN and COMMIT itself).
    expect(await labelsOf(() => inTransaction())).toEqual(['query-label.test', 'query-label.test']);
    expect(await readNote(90)).toEqual([{ id: 90, body: 'in a transaction' }]);
    expect(await countNotes()).toBe(2);
  });
});
