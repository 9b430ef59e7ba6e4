-- The raw-SQL limit's tables: copies of the cart module's event and snapshot tables and of the documents a sign-up
-- writes (same columns, defaults, primary keys, unique (stream_id, version), the foreign key and every index the
-- module's tables have), in a schema of their own so
-- the raw load never touches the API's data. :streams pre-created streams (version 1, with a snapshot) take the
-- append load. Run with psql -v streams=N.
drop schema if exists rawbench cascade;
create schema rawbench;
create table rawbench.mt_streams (like cart.mt_streams including all);
create table rawbench.mt_events (like cart.mt_events including all);
alter table rawbench.mt_events add constraint fkey_raw_events_stream_id
  foreign key (stream_id) references rawbench.mt_streams(id) on delete cascade;
create table rawbench.mt_doc_shoppingcart (like cart.mt_doc_shoppingcart including all);
-- The sign-up's documents (bench/pgbench/new-account.sql): account snapshot, personal-data key, email claim, statement head.
create table rawbench.mt_doc_account (like accounts.mt_doc_account including all);
create table rawbench.mt_doc_personaldatakey (like accounts.mt_doc_personaldatakey including all);
create table rawbench.mt_doc_emailclaim (like accounts.mt_doc_emailclaim including all);
create table rawbench.mt_doc_accountstatement (like accounts.mt_doc_accountstatement including all);
create sequence rawbench.mt_events_sequence;

insert into rawbench.mt_streams (id, type, version, tenant_id)
select lpad(to_hex(s), 32, '0')::uuid, 'shopping_cart', 1, '*DEFAULT*' from generate_series(1, :streams) s;
insert into rawbench.mt_events (data, type, mt_dotnet_type, bdata, id, stream_id, version, timestamp, tenant_id, seq_id)
select jsonb_build_object('cartId', lpad(to_hex(s), 32, '0')::uuid, 'openedAt', now(), 'customerId', gen_random_uuid()),
       'cart_opened', 'ModularMonolith.Cart.OpeningCart.CartOpened, ModularMonolith.Cart', null, gen_random_uuid(),
       lpad(to_hex(s), 32, '0')::uuid, 1, now(), '*DEFAULT*', nextval('rawbench.mt_events_sequence')
from generate_series(1, :streams) s;
insert into rawbench.mt_doc_shoppingcart (id, data, mt_version, mt_dotnet_type)
select lpad(to_hex(s), 32, '0')::uuid,
       jsonb_build_object('id', lpad(to_hex(s), 32, '0')::uuid, 'lines', '[]'::jsonb, 'total', 0, 'status', 'Open',
                          'version', 1, 'discount', null, 'openedAt', now(), 'subtotal', 0,
                          'customerId', gen_random_uuid(), 'discountAmount', 0),
       1, 'ModularMonolith.Cart.ShoppingCart'
from generate_series(1, :streams) s;
vacuum analyze rawbench.mt_streams, rawbench.mt_events, rawbench.mt_doc_shoppingcart;
