/**
 * The edge journal: what each site must run, has applied and has still to report, in RocksDB, so an
 * edge keeps enforcing desired state while its relay is unreachable and resumes after a crash.
 *
 * <p>{@link io.cascade.edge.journal.JournalStore} opens one RocksDB database per directory, shared by
 * every site of the process; {@link io.cascade.edge.journal.JournalStore#site} gives one site's
 * {@link io.cascade.edge.journal.Journal}. Keys are {@code <site>\0<suffix>} in the column families
 * {@code desired}, {@code applied}, {@code outbox} and {@code meta} (layout in {@code Family}).
 *
 * <p>Each transition is one WriteBatch: a delta or sync reply with its chain marks; an apply result
 * with the clearing of its pending marker and its outbox entry. The WAL is always on; writes are not
 * fsynced unless {@link io.cascade.edge.journal.JournalOptions#syncWrites()} asks for it (see there
 * for why that is safe against process crashes).
 */
package io.cascade.edge.journal;
