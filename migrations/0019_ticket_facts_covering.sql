-- Under a product filter the analytics pages read the product's ticket facts (0017). A plain
-- (product_id, day) index made that one heap page per ticket (186 ms for a 30-day Overview at
-- a million tickets); carrying the facts in the index lets those reads be index-only scans over
-- a few contiguous pages.
DROP INDEX ticket_facts_product_idx;
CREATE INDEX ticket_facts_product_idx ON ticket_facts (product_id, day)
    INCLUDE (hour, category, channel, priority, sentiment, open, escalated, csat, frt_s, res_s);
