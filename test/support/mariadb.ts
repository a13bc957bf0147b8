import mysql from 'mysql2/promise';

/** Why MariaDB tests skip here (unreachable at 127.0.0.1:3306), or false; in CI an unreachable server fails instead. */
export async function mariadbSkipReason(): Promise<string | false> {
  try {
    const c = await mysql.createConnection({ host: '127.0.0.1', user: 'root', connectTimeout: 3000 });
    await c.end();
    return false;
  } catch (error) {
    if (process.env.CI) throw error;
    return `MariaDB at 127.0.0.1:3306 is unreachable (${(error as Error).message})`;
  }
}
