import {
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryCompiler,
} from 'kysely';
import { DataApiDriver, type DataApiDriverConfig } from './data-api-driver';

/** Kysely's PostgreSQL dialect with its driver swapped for one that speaks the RDS Data API. */
export class DataApiDialect implements Dialect {
  constructor(private readonly config: DataApiDriverConfig) {}

  createDriver(): Driver {
    return new DataApiDriver(this.config);
  }

  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}
