-- Escalation by hand: an agent escalates a ticket no rule caught, or sends an escalated one back
-- with a reason. Both are the agent's judgement, kept as the escalation's verdict, so the rules'
-- backtests count them as gold decisions (a miss, or a false alarm).
ALTER TABLE escalations DROP CONSTRAINT escalations_status_check;
ALTER TABLE escalations ADD CONSTRAINT escalations_status_check
    CHECK (status IN ('open', 'resolved', 'de_escalated'));
ALTER TABLE escalations ADD COLUMN origin text NOT NULL DEFAULT 'rules'
    CHECK (origin IN ('rules', 'manual'));

-- A de-escalated ticket is back in the normal flow: automatic replies are allowed again (a
-- draft an agent approves, with its author, was always allowed).
CREATE OR REPLACE FUNCTION refuse_automatic_reply_to_escalated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.method <> 'agent' AND NEW.status = 'sent' AND NEW.author_id IS NULL
       AND EXISTS (SELECT 1 FROM escalations
                   WHERE ticket_id = NEW.ticket_id AND status <> 'de_escalated') THEN
        RAISE EXCEPTION 'ticket % is escalated: automatic replies are not allowed', NEW.ticket_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
