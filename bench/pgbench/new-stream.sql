-- Raw limit of "open a cart": the rows Marten writes for POST /api/carts (statements copied from the server log with
-- log_statement=all): the sequence number, then in one transaction the stream row, the event row and the inline
-- snapshot's upsert, sent as one pipeline (Marten batches them into one round trip too). Extended protocol,
-- unnamed statements, as Npgsql sends them. The stream id is a random uuid built from two random 63-bit numbers.
\set a random(1, 9000000000000000000)
\set b random(1, 9000000000000000000)
\startpipeline
select nextval('rawbench.mt_events_sequence') from generate_series(1,1);
BEGIN TRANSACTION ISOLATION LEVEL READ COMMITTED;
insert into rawbench.mt_streams (id, type, version, tenant_id) values ((lpad(to_hex(:a::bigint), 16, '0') || lpad(to_hex(:b::bigint), 16, '0'))::uuid, 'shopping_cart', 1, '*DEFAULT*');
insert into rawbench.mt_events (data, type, mt_dotnet_type, bdata, id, stream_id, version, timestamp, tenant_id, seq_id) values ('{"cartId": "01a207ec-cced-7fc8-afb9-2cebb2a8c4fa", "openedAt": "2026-11-23T10:21:29.1979942+00:00", "customerId": "01a207ec-c956-708a-840b-1df8266605f9"}', 'cart_opened', 'ModularMonolith.Cart.OpeningCart.CartOpened, ModularMonolith.Cart', NULL, gen_random_uuid(), (lpad(to_hex(:a::bigint), 16, '0') || lpad(to_hex(:b::bigint), 16, '0'))::uuid, 1, now(), '*DEFAULT*', currval('rawbench.mt_events_sequence'));
insert into rawbench.mt_doc_shoppingcart (id, data, "mt_version", "mt_dotnet_type", "mt_last_modified") values ((lpad(to_hex(:a::bigint), 16, '0') || lpad(to_hex(:b::bigint), 16, '0'))::uuid, '{"id": "01a207ec-cced-7fc8-afb9-2cebb2a8c4fa", "lines": [], "total": 0, "status": "Open", "version": 1, "discount": null, "openedAt": "2026-11-23T10:21:29.1979942+00:00", "subtotal": 0, "customerId": "01a207ec-c956-708a-840b-1df8266605f9", "discountAmount": 0}', CASE WHEN 0 = 0 THEN COALESCE((select version from rawbench.mt_streams where rawbench.mt_streams.id = (lpad(to_hex(:a::bigint), 16, '0') || lpad(to_hex(:b::bigint), 16, '0'))::uuid), 1) ELSE 0 END, 'ModularMonolith.Cart.ShoppingCart', transaction_timestamp()) on conflict (id) do update set data = excluded.data, mt_version = CASE WHEN 0 = 0 THEN COALESCE((select version from rawbench.mt_streams where rawbench.mt_streams.id = rawbench.mt_doc_shoppingcart.id), rawbench.mt_doc_shoppingcart.mt_version + 1) ELSE 0 END, "mt_dotnet_type" = excluded."mt_dotnet_type", "mt_last_modified" = excluded."mt_last_modified" where 0 = 0 or COALESCE((select version from rawbench.mt_streams where rawbench.mt_streams.id = rawbench.mt_doc_shoppingcart.id), 0) <= 0 returning mt_version;
COMMIT;
\endpipeline
