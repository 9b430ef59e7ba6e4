-- Raw limit of "add an item": the rows Marten writes for POST /api/carts/{id}/items (statements copied from the
-- server log with log_statement=all): in one transaction the stream row's version bump, the event row and the inline
-- snapshot's upsert, as one pipeline. Marten also reads the product, the stream and the snapshot first, in separate
-- round trips; the raw limit leaves those reads out (it is the floor of the write itself). A random one of the
-- :streams pre-created streams (bench/pgbench/setup.sql); the version comes from the row just updated. The snapshot it
-- writes is :doc, the JSON of the load's median cart as the API has just stored it (bench/mmbench/scenarios.py passes it
-- with -D doc=...; in extended mode pgbench binds it as a parameter), so the twin writes documents of the API's size.
\set s random(1, :streams)
\startpipeline
BEGIN TRANSACTION ISOLATION LEVEL READ COMMITTED;
update rawbench.mt_streams set version = version + 1 where id = lpad(to_hex(:s::bigint), 32, '0')::uuid returning version;
insert into rawbench.mt_events (data, type, mt_dotnet_type, bdata, id, stream_id, version, timestamp, tenant_id, seq_id) values ('{"sku": "sku-01", "name": "Product 01", "cartId": "01a207ec-cced-7fc8-afb9-2cebb2a8c4fa", "addedAt": "2026-11-23T10:22:36.6672974+00:00", "quantity": 1, "unitPrice": 1.00}', 'item_added_v2', 'ModularMonolith.Cart.AddingItem.ItemAdded, ModularMonolith.Cart', NULL, gen_random_uuid(), lpad(to_hex(:s::bigint), 32, '0')::uuid, (select version from rawbench.mt_streams where id = lpad(to_hex(:s::bigint), 32, '0')::uuid), now(), '*DEFAULT*', nextval('rawbench.mt_events_sequence'));
insert into rawbench.mt_doc_shoppingcart (id, data, "mt_version", "mt_dotnet_type", "mt_last_modified") values (lpad(to_hex(:s::bigint), 32, '0')::uuid, :doc, CASE WHEN 0 = 0 THEN COALESCE((select version from rawbench.mt_streams where rawbench.mt_streams.id = lpad(to_hex(:s::bigint), 32, '0')::uuid), 1) ELSE 0 END, 'ModularMonolith.Cart.ShoppingCart', transaction_timestamp()) on conflict (id) do update set data = excluded.data, mt_version = CASE WHEN 0 = 0 THEN COALESCE((select version from rawbench.mt_streams where rawbench.mt_streams.id = rawbench.mt_doc_shoppingcart.id), rawbench.mt_doc_shoppingcart.mt_version + 1) ELSE 0 END, "mt_dotnet_type" = excluded."mt_dotnet_type", "mt_last_modified" = excluded."mt_last_modified" where 0 = 0 or COALESCE((select version from rawbench.mt_streams where rawbench.mt_streams.id = rawbench.mt_doc_shoppingcart.id), 0) <= 0 returning mt_version;
COMMIT;
\endpipeline
