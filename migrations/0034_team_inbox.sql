-- An inbox for a team: queues with an assignment policy and a manager, agents who are available
-- or away with a capacity, each user's time zone, and the activity those steps leave.

CREATE TABLE queues (
    name              text PRIMARY KEY CHECK (name <> ''),
    policy            text NOT NULL DEFAULT 'manual'
                      CHECK (policy IN ('manual', 'round_robin', 'least_loaded')),
    -- What happens to an agent's open escalations of this queue when they go away.
    away_policy       text NOT NULL DEFAULT 'keep' CHECK (away_policy IN ('keep', 'hand_back')),
    manager_id        bigint REFERENCES users (id) ON DELETE SET NULL,
    -- Round-robin's place: who the queue gave its last ticket to.
    last_assignee_id  bigint REFERENCES users (id) ON DELETE SET NULL,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
-- Every queue the rules or the inbox have used so far.
INSERT INTO queues (name) SELECT DISTINCT queue FROM escalations ON CONFLICT DO NOTHING;
INSERT INTO queues (name) VALUES ('general') ON CONFLICT DO NOTHING;

-- Who takes a queue's tickets; a queue without members is worked by every agent.
CREATE TABLE queue_members (
    queue    text NOT NULL REFERENCES queues (name) ON DELETE CASCADE,
    user_id  bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (queue, user_id)
);

ALTER TABLE users
    ADD COLUMN available  boolean NOT NULL DEFAULT true,
    -- Open escalations assignment gives them at most.
    ADD COLUMN capacity   integer NOT NULL DEFAULT 10 CHECK (capacity BETWEEN 0 AND 1000),
    -- IANA zone the inbox shows times in; empty: UTC.
    ADD COLUMN time_zone  text NOT NULL DEFAULT '';

ALTER TABLE escalation_activity DROP CONSTRAINT escalation_activity_kind_check;
ALTER TABLE escalation_activity ADD CONSTRAINT escalation_activity_kind_check
    CHECK (kind IN ('escalated', 'claimed', 'unclaimed', 'assigned', 'note', 'reply', 'resolved',
                    'reopened', 'handed_back', 'de_escalated', 'sla_warning', 'sla_breached'));

-- Assignment reads the open load of each candidate.
CREATE INDEX escalations_open_load_idx ON escalations (assignee_id) WHERE status = 'open';
-- And the unassigned open tickets of a queue, most pressing first.
CREATE INDEX escalations_waiting_idx ON escalations (queue, due_at, ticket_id)
    WHERE status = 'open' AND assignee_id IS NULL;
