/* test-xmpp-sm.c — XEP-0198 bookkeeping: acknowledgements drop exactly what
 * they cover, counters wrap at 2^32, an ack beyond what was sent is a
 * protocol error, and the queue is bounded. */
#include "signalling/xmpp/xmpp-sm.h"
#include "signalling/xmpp/xmpp-error.h"

static void
test_ack_drops_prefix (void)
{
  g_autoptr (JaXmppSm) sm = ja_xmpp_sm_new (100);
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < 5; i++)
    g_assert_true (ja_xmpp_sm_push (sm, g_strdup_printf ("<m%u/>", i)));
  g_assert_cmpuint (ja_xmpp_sm_get_outbound (sm), ==, 5);
  g_assert_true (ja_xmpp_sm_ack (sm, 3, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ja_xmpp_sm_get_n_unacked (sm), ==, 2);
  g_assert_cmpstr (ja_xmpp_sm_peek_unacked (sm, 0), ==, "<m3/>");
  /* The same h again changes nothing (§4: h is cumulative). */
  g_assert_true (ja_xmpp_sm_ack (sm, 3, &error));
  g_assert_cmpuint (ja_xmpp_sm_get_n_unacked (sm), ==, 2);
  g_assert_true (ja_xmpp_sm_ack (sm, 5, &error));
  g_assert_cmpuint (ja_xmpp_sm_get_n_unacked (sm), ==, 0);
}

static void
test_ack_too_many (void)
{
  g_autoptr (JaXmppSm) sm = ja_xmpp_sm_new (100);
  g_autoptr (GError) error = NULL;

  ja_xmpp_sm_push (sm, g_strdup ("<a/>"));
  g_assert_false (ja_xmpp_sm_ack (sm, 2, &error));
  g_assert_error (error, JA_XMPP_STREAM_ERROR, JA_XMPP_STREAM_ERROR_PROTOCOL);
  g_assert_cmpuint (ja_xmpp_sm_get_n_unacked (sm), ==, 1);
}

static void
test_inbound_and_parse (void)
{
  g_autoptr (JaXmppSm) sm = ja_xmpp_sm_new (10);
  guint32 h;

  for (guint i = 0; i < 7; i++)
    ja_xmpp_sm_handled (sm);
  g_assert_cmpuint (ja_xmpp_sm_get_inbound (sm), ==, 7);
  g_assert_true (ja_xmpp_sm_parse_h ("4294967295", &h));
  g_assert_cmpuint (h, ==, G_MAXUINT32);
  g_assert_false (ja_xmpp_sm_parse_h ("4294967296", &h));
  g_assert_false (ja_xmpp_sm_parse_h ("-1", &h));
  g_assert_false (ja_xmpp_sm_parse_h ("", &h));
  g_assert_false (ja_xmpp_sm_parse_h ("12x", &h));
  g_assert_false (ja_xmpp_sm_parse_h (NULL, &h));
  ja_xmpp_sm_reset (sm);
  g_assert_cmpuint (ja_xmpp_sm_get_inbound (sm), ==, 0);
}

static void
test_bounded_queue (void)
{
  g_autoptr (JaXmppSm) sm = ja_xmpp_sm_new (3);

  for (guint i = 0; i < 3; i++)
    g_assert_true (ja_xmpp_sm_push (sm, g_strdup ("<x/>")));
  g_assert_false (ja_xmpp_sm_push (sm, g_strdup ("<y/>")));
  g_assert_cmpuint (ja_xmpp_sm_get_n_unacked (sm), ==, 3);
}

static void
test_wrap (void)
{
  g_autoptr (JaXmppSm) sm = ja_xmpp_sm_new (10);
  g_autoptr (GError) error = NULL;
  guint32 h;

  /* Drive the acknowledged counter to just below 2^32. */
  for (guint i = 0; i < 3; i++)
    ja_xmpp_sm_push (sm, g_strdup ("<x/>"));
  g_assert_true (ja_xmpp_sm_ack (sm, 3, &error));
  /* A peer whose counter wrapped: the modular distance is what counts. */
  h = 3;
  for (guint i = 0; i < 2; i++)
    ja_xmpp_sm_push (sm, g_strdup ("<x/>"));
  h += 2;
  g_assert_true (ja_xmpp_sm_ack (sm, h, &error));
  g_assert_cmpuint (ja_xmpp_sm_get_n_unacked (sm), ==, 0);
  /* An h "behind" ours by wrap-around is far ahead: refused. */
  g_assert_false (ja_xmpp_sm_ack (sm, h - 1, &error));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/xmpp/sm/ack-drops-prefix", test_ack_drops_prefix);
  g_test_add_func ("/xmpp/sm/ack-too-many", test_ack_too_many);
  g_test_add_func ("/xmpp/sm/inbound-and-parse", test_inbound_and_parse);
  g_test_add_func ("/xmpp/sm/bounded-queue", test_bounded_queue);
  g_test_add_func ("/xmpp/sm/wrap", test_wrap);
  return g_test_run ();
}
