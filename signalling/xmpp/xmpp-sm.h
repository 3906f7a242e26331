/* xmpp-sm.h — XEP-0198 stream management bookkeeping: the counter of
 * stanzas handled from the peer, and the queue of stanzas sent but not yet
 * acknowledged, in their serialised form, to resend after resumption.
 * Pure; the stream does the I/O. Counters wrap at 2^32 (§4). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _JaXmppSm JaXmppSm;

JaXmppSm *ja_xmpp_sm_new (guint max_unacked);
void ja_xmpp_sm_free (JaXmppSm *sm);

/* Forget both counters and the queue (a new <enable/>). */
void ja_xmpp_sm_reset (JaXmppSm *sm);

/* Outbound: record a stanza (transfer full); FALSE when the queue is full. */
gboolean ja_xmpp_sm_push (JaXmppSm *sm, char *serialized);
/* The peer's <a h=…/> or <resumed h=…/>: drop what it acknowledged. FALSE
 * with a protocol error when h acknowledges more than was sent (§4). */
gboolean ja_xmpp_sm_ack (JaXmppSm *sm, guint32 h, GError **error);
guint ja_xmpp_sm_get_n_unacked (JaXmppSm *sm);
/* The i-th unacknowledged stanza, oldest first (borrowed). */
const char *ja_xmpp_sm_peek_unacked (JaXmppSm *sm, guint i);
guint32 ja_xmpp_sm_get_outbound (JaXmppSm *sm);

/* Inbound: one more stanza handled; the value for <a h=…/>. */
void ja_xmpp_sm_handled (JaXmppSm *sm);
guint32 ja_xmpp_sm_get_inbound (JaXmppSm *sm);

/* Parse an h attribute (0…2^32-1); FALSE when it is not one. */
gboolean ja_xmpp_sm_parse_h (const char *text, guint32 *h);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaXmppSm, ja_xmpp_sm_free)

G_END_DECLS
