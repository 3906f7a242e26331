/* xmpp-sm.c — XEP-0198 counters and the unacknowledged queue. The queue is
 * bounded: a peer that never acknowledges cannot make us hold everything
 * we ever sent. */
#include "signalling/xmpp/xmpp-sm.h"

#include <gio/gio.h>
#include "signalling/xmpp/xmpp-error.h"

struct _JaXmppSm {
  GQueue unacked;      /* char*, oldest first */
  guint32 outbound;    /* stanzas sent since <enable/> (mod 2^32) */
  guint32 acked;       /* the last h the peer sent */
  guint32 inbound;     /* stanzas handled since <enabled/> (mod 2^32) */
  guint max_unacked;
};

JaXmppSm *
ja_xmpp_sm_new (guint max_unacked)
{
  JaXmppSm *sm = g_new0 (JaXmppSm, 1);

  g_queue_init (&sm->unacked);
  sm->max_unacked = max_unacked;
  return sm;
}

void
ja_xmpp_sm_reset (JaXmppSm *sm)
{
  g_queue_clear_full (&sm->unacked, g_free);
  sm->outbound = sm->acked = sm->inbound = 0;
}

void
ja_xmpp_sm_free (JaXmppSm *sm)
{
  if (sm == NULL)
    return;
  ja_xmpp_sm_reset (sm);
  g_free (sm);
}

gboolean
ja_xmpp_sm_push (JaXmppSm *sm, char *serialized)
{
  if (sm->unacked.length >= sm->max_unacked) {
    g_free (serialized);
    return FALSE;
  }
  g_queue_push_tail (&sm->unacked, serialized);
  sm->outbound++;
  return TRUE;
}

gboolean
ja_xmpp_sm_ack (JaXmppSm *sm, guint32 h, GError **error)
{
  guint32 newly = h - sm->acked;   /* modular: wraps correctly */

  if (newly > sm->unacked.length) {
    g_set_error (error, JA_XMPP_STREAM_ERROR, JA_XMPP_STREAM_ERROR_PROTOCOL,
        "peer acknowledged %u stanzas but only %u are outstanding",
        newly, sm->unacked.length);
    return FALSE;
  }
  for (guint32 i = 0; i < newly; i++)
    g_free (g_queue_pop_head (&sm->unacked));
  sm->acked = h;
  return TRUE;
}

guint
ja_xmpp_sm_get_n_unacked (JaXmppSm *sm)
{
  return sm->unacked.length;
}

const char *
ja_xmpp_sm_peek_unacked (JaXmppSm *sm, guint i)
{
  return g_queue_peek_nth (&sm->unacked, i);
}

guint32
ja_xmpp_sm_get_outbound (JaXmppSm *sm)
{
  return sm->outbound;
}

void
ja_xmpp_sm_handled (JaXmppSm *sm)
{
  sm->inbound++;
}

guint32
ja_xmpp_sm_get_inbound (JaXmppSm *sm)
{
  return sm->inbound;
}

gboolean
ja_xmpp_sm_parse_h (const char *text, guint32 *h)
{
  guint64 v;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT32,
          &v, NULL))
    return FALSE;
  *h = (guint32) v;
  return TRUE;
}
