import { desc, eq, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { projects } from "../db/schema";

export type ProjectRow = typeof projects.$inferSelect;

export async function insertProject(db: DbOrTx, name: string): Promise<ProjectRow> {
  const [row] = await db.insert(projects).values({ name }).returning();
  return row!;
}

export async function listProjects(db: DbOrTx, where?: SQL): Promise<ProjectRow[]> {
  return db.select().from(projects).where(where).orderBy(desc(projects.createdAt));
}

export async function lockProject(db: DbOrTx, id: string): Promise<ProjectRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db.select().from(projects).where(eq(projects.id, id)).for("update");
  return row;
}

export async function deleteProject(db: DbOrTx, id: string): Promise<void> {
  await db.delete(projects).where(eq(projects.id, id));
}

export async function findProject(db: DbOrTx, id: string): Promise<ProjectRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db.select().from(projects).where(eq(projects.id, id));
  return row;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids are opaque to clients; a malformed one is simply unknown (404), never a database error. */
export const isUuid = (id: string) => UUID.test(id);
