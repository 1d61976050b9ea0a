-- A queue may keep its own business hours (a team in another time zone, other holidays); NULL:
-- the team's hours from the Rules page. The same JSON shape as the `sla.business_hours` setting.
ALTER TABLE queues ADD COLUMN hours jsonb;
