/* test-jingle-transport.c — transport negotiation (XEP-0166 §7.2.12–15):
 * fallback with a tried-list (transport-replace → accept / reject / error),
 * the peer's replacements, transport-info before session-accept, and the
 * §7.2.16 tie-breaks (existing session: transport-replace; no session:
 * simultaneous session-initiate by sid, then by JID). */
#include "tests/unit/jingle/jingle-test-session.h"

#define C1_TP(ns) "<content creator='initiator' name='c1'>" \
    "<transport xmlns='" ns "'/></content>"

static void
test_fallback_accept (Fixture *f, gconstpointer data)
{
  JaJingleContent *c;

  go_active_initiator (f);
  c = c1_of (f);
  ja_jingle_content_transport_failed (c, NULL);
  expect_set (f, "transport-replace", sid_of (f), "", C1_TP (FAKE_NS_TP_LOW));
  /* A second failure report while the replacement is pending is ignored. */
  ja_jingle_content_transport_failed (c, NULL);
  fake_expect_nothing (f->fake);
  peer_sends (f, "ta", "transport-accept", sid_of (f), "",
      C1_TP (FAKE_NS_TP_LOW));
  expect_result (f, "ta");
  g_assert_cmpstr (ja_jingle_content_get_transport (c)->kind->ns, ==,
      FAKE_NS_TP_LOW);
  g_assert_cmpuint (tp_of (c)->accepted, ==, 1);
  g_assert_cmpuint (tp_of (c)->connects, ==, 1);
  /* Candidates for the new transport are welcome; for the old, not. */
  peer_sends (f, "ti", "transport-info", sid_of (f), "",
      C1_TP (FAKE_NS_TP_LOW));
  expect_result (f, "ti");
  peer_sends (f, "tj", "transport-info", sid_of (f), "",
      C1_TP (FAKE_NS_TP_HIGH));
  expect_error (f, "tj", "modify", "bad-request", NULL);
  /* Every kind tried: the session ends with failed-transport. */
  ja_jingle_content_transport_failed (c, NULL);
  expect_set (f, "session-terminate", sid_of (f), "",
      "<reason><failed-transport/></reason>");
}

static void
test_fallback_reject (Fixture *f, gconstpointer data)
{
  go_active_responder (f, "fr");
  ja_jingle_content_transport_failed (c1_of (f), NULL);
  expect_set (f, "transport-replace", "fr", "", C1_TP (FAKE_NS_TP_LOW));
  peer_sends (f, "tr", "transport-reject", "fr", "", C1_TP (FAKE_NS_TP_LOW));
  expect_result (f, "tr");
  expect_set (f, "session-terminate", "fr", "",
      "<reason><failed-transport/></reason>");
  g_assert_cmpint (f->reason, ==, JA_JINGLE_REASON_FAILED_TRANSPORT);
}

/* An IQ error on our transport-replace counts as a reject. */
static void
test_fallback_error (Fixture *f, gconstpointer data)
{
  const char *id;

  go_active_responder (f, "fe");
  ja_jingle_content_transport_failed (c1_of (f), NULL);
  id = expect_set_pending (f, "transport-replace", "fe", "",
      C1_TP (FAKE_NS_TP_LOW));
  fake_answer (f->fake, id, "not-acceptable");
  expect_set (f, "session-terminate", "fe", "",
      "<reason><failed-transport/></reason>");
}

static void
test_peer_replace (Fixture *f, gconstpointer data)
{
  go_active_responder (f, "pr");
  peer_sends (f, "r1", "transport-replace", "pr", "", C1_TP (FAKE_NS_TP_LOW));
  expect_result (f, "r1");
  expect_set (f, "transport-accept", "pr", "", C1_TP (FAKE_NS_TP_LOW));
  g_assert_cmpstr (ja_jingle_content_get_transport (c1_of (f))->kind->ns, ==,
      FAKE_NS_TP_LOW);
  g_assert_cmpuint (tp_of (c1_of (f))->connects, ==, 1);
  /* Unknown, wrong flavour or unparsable: transport-reject after the ack. */
  peer_sends (f, "r2", "transport-replace", "pr", "", C1_TP ("urn:nope"));
  expect_result (f, "r2");
  expect_set (f, "transport-reject", "pr", "", C1_TP ("urn:nope"));
  peer_sends (f, "r3", "transport-replace", "pr", "",
      C1_TP (FAKE_NS_TP_DGRAM));
  expect_result (f, "r3");
  expect_set (f, "transport-reject", "pr", "", C1_TP (FAKE_NS_TP_DGRAM));
  peer_sends (f, "r4", "transport-replace", "pr", "",
      "<content creator='initiator' name='c1'>"
      "<transport xmlns='" FAKE_NS_TP_HIGH "' bad='1'/></content>");
  expect_result (f, "r4");
  expect_set (f, "transport-reject", "pr", "",
      "<content creator='initiator' name='c1'>"
      "<transport xmlns='" FAKE_NS_TP_HIGH "' bad='1'/></content>");
  peer_sends (f, "r5", "transport-replace", "pr", "",
      "<content creator='initiator' name='c1'/>");
  expect_error (f, "r5", "modify", "bad-request", NULL);
  g_assert_cmpstr (ja_jingle_content_get_transport (c1_of (f))->kind->ns, ==,
      FAKE_NS_TP_LOW);
}

/* §5.1: transport-info may come before session-accept, both ways. */
static void
test_info_before_accept (Fixture *f, gconstpointer data)
{
  go_outgoing (f);
  peer_sends (f, "t1", "transport-info", sid_of (f), "",
      C1_TP (FAKE_NS_TP_HIGH));
  expect_result (f, "t1");
  g_assert_cmpuint (tp_of (c1_of (f))->infos, ==, 1);
  ja_jingle_content_send_transport_info (c1_of (f),
      ja_xml_node_new ("transport", FAKE_NS_TP_HIGH));
  expect_set (f, "transport-info", sid_of (f), "", C1_TP (FAKE_NS_TP_HIGH));
  fixture_tear_down (f, NULL);
  fixture_set_up (f, NULL);
  go_incoming (f, "ib");
  peer_sends (f, "t2", "transport-info", "ib", "", C1_TP (FAKE_NS_TP_HIGH));
  expect_result (f, "t2");
  peer_sends (f, "t3", "transport-info", "ib", "",
      "<content creator='initiator' name='c1'>"
      "<transport xmlns='" FAKE_NS_TP_HIGH "' bad='1'/></content>");
  expect_error (f, "t3", "modify", "bad-request", NULL);
}

/* Existing session, both send transport-replace: the initiator's wins. */
static void
test_tie_replace_initiator (Fixture *f, gconstpointer data)
{
  go_active_initiator (f);
  ja_jingle_content_transport_failed (c1_of (f), NULL);
  expect_set_pending (f, "transport-replace", sid_of (f), "",
      C1_TP (FAKE_NS_TP_LOW));
  peer_sends (f, "x1", "transport-replace", sid_of (f), "",
      C1_TP (FAKE_NS_TP_LOW));
  expect_error (f, "x1", "cancel", "conflict", "tie-break");
  peer_sends (f, "x2", "transport-accept", sid_of (f), "",
      C1_TP (FAKE_NS_TP_LOW));
  expect_result (f, "x2");
  g_assert_cmpstr (ja_jingle_content_get_transport (c1_of (f))->kind->ns, ==,
      FAKE_NS_TP_LOW);
}

static void
test_tie_replace_responder (Fixture *f, gconstpointer data)
{
  const char *id;
  g_autofree char *ours = NULL;

  go_active_responder (f, "tb");
  ja_jingle_content_transport_failed (c1_of (f), NULL);
  ours = g_strdup (expect_set_pending (f, "transport-replace", "tb", "",
          C1_TP (FAKE_NS_TP_LOW)));
  peer_sends (f, "x1", "transport-replace", "tb", "", C1_TP (FAKE_NS_TP_LOW));
  expect_result (f, "x1");
  expect_set (f, "transport-accept", "tb", "", C1_TP (FAKE_NS_TP_LOW));
  /* The initiator refuses ours with a tie-break: nothing more happens. */
  id = ours;
  fake_answer (f->fake, id, "conflict");
  fake_expect_nothing (f->fake);
  g_assert_cmpint (ja_jingle_session_get_state (f->session), ==,
      JA_JINGLE_STATE_ACTIVE);
  g_assert_cmpstr (ja_jingle_content_get_transport (c1_of (f))->kind->ns, ==,
      FAKE_NS_TP_LOW);
}

/* No session yet, both initiate for the same application: lower sid wins. */
static void
test_tie_initiate_lower_wins (Fixture *f, gconstpointer data)
{
  g_autoptr (JaJingleSession) ours = NULL;

  go_outgoing (f);
  ours = g_steal_pointer (&f->session);
  peer_sends (f, "i1", "session-initiate", "!lower", "", C1);
  expect_result (f, "i1");
  g_assert_cmpint (ja_jingle_session_get_state (ours), ==,
      JA_JINGLE_STATE_ENDED);
  g_assert_cmpint (ja_jingle_session_get_end_reason (ours), ==,
      JA_JINGLE_REASON_ALTERNATIVE_SESSION);
  g_assert_cmpstr (sid_of (f), ==, "!lower");
  g_assert_cmpuint (ja_jingle_manager_get_n_sessions (f->manager), ==, 1);
  fake_expect_nothing (f->fake);
}

static void
test_tie_initiate_higher_loses (Fixture *f, gconstpointer data)
{
  go_outgoing (f);
  peer_sends (f, "i1", "session-initiate", "~higher", "", C1);
  expect_error (f, "i1", "cancel", "conflict", "tie-break");
  g_assert_cmpint (ja_jingle_session_get_state (f->session), ==,
      JA_JINGLE_STATE_PENDING);
  g_assert_cmpuint (f->incoming, ==, 0);
  /* Another application is not a tie: both sessions live. */
  peer_sends (f, "i2", "session-initiate", "~other", "",
      "<content creator='initiator' name='c1'>"
      "<description xmlns='" FAKE_NS_APP_DGRAM "'/>"
      "<transport xmlns='" FAKE_NS_TP_DGRAM "'/></content>");
  expect_result (f, "i2");
  g_assert_cmpuint (ja_jingle_manager_get_n_sessions (f->manager), ==, 2);
}

/* Same sid both ways: the lower JID wins; juliet < romeo. */
static void
test_tie_initiate_same_sid (Fixture *f, gconstpointer data)
{
  g_autoptr (JaJingleSession) ours = NULL;
  g_autofree char *sid = NULL;

  go_outgoing (f);
  ours = g_steal_pointer (&f->session);
  sid = g_strdup (ja_jingle_session_get_sid (ours));
  peer_sends (f, "i1", "session-initiate", sid, "", C1);
  expect_result (f, "i1");
  g_assert_cmpint (ja_jingle_session_get_state (ours), ==,
      JA_JINGLE_STATE_ENDED);
  g_assert_nonnull (f->session);
  g_assert_cmpint (ja_jingle_session_get_role (f->session), ==,
      JA_JINGLE_ROLE_RESPONDER);
}

/* Our session-initiate refused with a tie-break: ours ends quietly. */
static void
test_tie_initiate_refused (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  const char *id;

  f->session = ja_jingle_manager_new_session (f->manager, FAKE_PEER, &error);
  watch (f, f->session);
  ja_jingle_session_add_content (f->session, "c1", FAKE_NS_APP, NULL, NULL,
      &error);
  ja_jingle_session_initiate (f->session, &error);
  id = expect_set_pending (f, "session-initiate", sid_of (f),
      "initiator='" FAKE_OWN "'", C1);
  fake_answer (f->fake, id, "conflict");
  g_assert_cmpint (f->reason, ==, JA_JINGLE_REASON_ALTERNATIVE_SESSION);
  fake_expect_nothing (f->fake);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) \
  g_test_add ("/jingle/transport/" path, Fixture, NULL, fixture_set_up, fn, \
      fixture_tear_down)
  ADD ("fallback-accept", test_fallback_accept);
  ADD ("fallback-reject", test_fallback_reject);
  ADD ("fallback-error", test_fallback_error);
  ADD ("peer-replace", test_peer_replace);
  ADD ("info-before-accept", test_info_before_accept);
  ADD ("tie-break/replace-initiator", test_tie_replace_initiator);
  ADD ("tie-break/replace-responder", test_tie_replace_responder);
  ADD ("tie-break/initiate-lower-sid-wins", test_tie_initiate_lower_wins);
  ADD ("tie-break/initiate-higher-sid-loses", test_tie_initiate_higher_loses);
  ADD ("tie-break/initiate-same-sid", test_tie_initiate_same_sid);
  ADD ("tie-break/initiate-refused", test_tie_initiate_refused);
  return g_test_run ();
}
