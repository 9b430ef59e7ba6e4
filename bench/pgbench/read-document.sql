-- Raw limit of a read by id (the twin of "get account"): one document row by primary key, as Marten loads a snapshot.
-- A random one of the :streams pre-created snapshots (bench/pgbench/setup.sql).
\set s random(1, :streams)
select d.id, d.data, d.mt_version from rawbench.mt_doc_shoppingcart as d where d.id = lpad(to_hex(:s::bigint), 32, '0')::uuid;
