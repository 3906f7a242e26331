/* ja-agent-calls.h — JaAgent's answering side of calls (ja-agent-calls.c);
 * internal to agent/. */
#pragma once

#include "agent/ja-agent.h"

G_BEGIN_DECLS

typedef struct _JaAgentCalls JaAgentCalls;

/* Advertises audio calls (XEP-0167 audio, XEP-0320, XEP-0353) on the
 * agent's stream and listens for proposals. */
JaAgentCalls *ja_agent_calls_new (JaAgent *agent);
void ja_agent_calls_free (JaAgentCalls *self);
void ja_agent_calls_set_answer (JaAgentCalls *self, gboolean answer,
    guint delay_ms);
/* At most max_calls at once (0: no limit); past it a call hears busy. */
void ja_agent_calls_set_max (JaAgentCalls *self, guint max_calls);
/* Every content of session is RTP. */
gboolean ja_agent_calls_is_call (JaJingleSession *session);
/* Answer (or decline) a peer's call session per the policy. */
void ja_agent_calls_take_session (JaAgentCalls *self,
    JaJingleSession *session);

G_END_DECLS
