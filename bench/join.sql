-- join.sql -- the core join of `custrelease run` in the sqlite3 shell: the
-- benchmark's "import into a database and join" contender
-- (docs/performance.md).  It computes the rows bench/join.py writes.
--
-- Run it from a directory holding export/*.csv and manifest.csv, with a
-- fresh database file, writing join-sqlite.csv there:
--
--	cd DATA && sqlite3 -batch /tmp/x/join.db < bench/join.sql
--
-- Every table is imported whole (sqlite cannot stream a join over CSV),
-- the join keys are indexed (without them the contact and share look-ups
-- scan their tables once per product: hours at 1M customers), then
-- joined.  Nothing is validated.
.bail on
.output /dev/null
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA temp_store = MEMORY;
.output stdout
.import --csv export/organizations.csv organizations
.import --csv export/customers.csv customers
.import --csv export/products.csv products
.import --csv export/domain_contacts.csv domain_contacts
.import --csv export/shares.csv shares
.import --csv export/accounts.csv accounts
.import --csv manifest.csv manifest
CREATE INDEX customers_id ON customers (id);
CREATE INDEX products_customer ON products (customer_id);
CREATE INDEX contacts_product ON domain_contacts (product_id);
CREATE INDEX shares_product ON shares (product_id);
CREATE INDEX accounts_username ON accounts (username);
.headers on
.mode csv
.once join-sqlite.csv
SELECT m.request_id, p.id AS product_id, p.kind, p.name,
       c.id AS customer_id, o.id AS from_reseller_id,
       CASE WHEN a.username IS NOT NULL THEN 'account:' || a.username
            ELSE 'new-account' END AS "to",
       (SELECT count(*) FROM domain_contacts d
         WHERE d.product_id = p.id) AS contacts,
       (SELECT count(*) FROM domain_contacts d
         WHERE d.product_id = p.id AND d.role <> 'owner'
           AND (d.org_id = o.id OR lower(d.email) = lower(o.email)))
         AS reseller_contacts,
       (SELECT count(*) FROM shares s WHERE s.product_id = p.id) AS shares
  FROM manifest m
  JOIN organizations o ON o.id = m.reseller_id
   AND lower(o.reseller) IN ('true', '1', 'yes')
  JOIN customers c ON c.id = m.customer_id AND c.reseller_id = o.id
   AND c.status = 'active'
  JOIN products p ON p.customer_id = c.id
  LEFT JOIN accounts a ON a.username = m.import_to AND m.import_to <> ''
 ORDER BY m.rowid, p.rowid;
