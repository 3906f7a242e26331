/* test-jingle-session.c — the XEP-0166 session state machine on scripted
 * stanza exchanges (the peer sends X, we must send Y): every action in
 * every state (the matrix), roles, unknown-session, unsupported
 * applications/transports/info, contents, the never-accepted timeout and
 * every terminate reason. */
#include "tests/unit/jingle/jingle-test-session.h"

/* ---- the matrix: every action in every state ---------------------------- */

typedef enum {
  ST_NEW, ST_PENDING_RESPONDER, ST_PENDING_INITIATOR, ST_ACTIVE_RESPONDER,
  ST_ACTIVE_INITIATOR, ST_ENDED, N_ST
} MatrixState;

static const char *const st_names[N_ST] = {
  "new", "pending-responder", "pending-initiator", "active-responder",
  "active-initiator", "ended",
};

typedef enum { R_RESULT, R_OUT_OF_ORDER, R_UNKNOWN, R_UNSUPPORTED_INFO } Reply;

/* What XEP-0166 says a peer gets, written from the spec (§5.1 chart, §6.7,
 * §6.8, §7.2) rather than from the engine's table. */
static Reply
expected_reply (MatrixState st, JaJingleAction a)
{
  gboolean initiator = st == ST_PENDING_INITIATOR || st == ST_ACTIVE_INITIATOR;
  gboolean pending = st == ST_PENDING_RESPONDER || st == ST_PENDING_INITIATOR;

  if (st == ST_ENDED)   /* §6.7: after session-terminate, unknown-session */
    return a == JA_JINGLE_ACTION_SESSION_INITIATE ? R_RESULT : R_UNKNOWN;
  if (st == ST_NEW)     /* nothing was sent yet: no action is in order */
    return R_OUT_OF_ORDER;
  switch (a) {
  case JA_JINGLE_ACTION_SESSION_INITIATE:
    /* Same sid as ours while ours is pending: the lower JID (juliet) wins
     * the §7.2.16 tie; otherwise a second initiate is out of order. */
    return st == ST_PENDING_INITIATOR ? R_RESULT : R_OUT_OF_ORDER;
  case JA_JINGLE_ACTION_SESSION_ACCEPT:
    return pending && initiator ? R_RESULT : R_OUT_OF_ORDER;
  case JA_JINGLE_ACTION_CONTENT_ACCEPT:    /* no content-add of ours pending */
  case JA_JINGLE_ACTION_CONTENT_REJECT:
  case JA_JINGLE_ACTION_TRANSPORT_ACCEPT:  /* no transport-replace pending */
  case JA_JINGLE_ACTION_TRANSPORT_REJECT:
    return R_OUT_OF_ORDER;
  case JA_JINGLE_ACTION_SECURITY_INFO:     /* no security kinds exist */
    return R_UNSUPPORTED_INFO;
  default:
    return R_RESULT;
  }
}

/* A minimal valid message of each action about c1 (or a new c2). */
static const char *
matrix_inner (JaJingleAction a, MatrixState st, const char **attrs)
{
  gboolean initiator = st == ST_PENDING_INITIATOR || st == ST_ACTIVE_INITIATOR
      || st == ST_NEW;

  *attrs = "";
  switch (a) {
  case JA_JINGLE_ACTION_CONTENT_ADD:
    return initiator ? "<content creator='responder' name='c2'>"
        "<description xmlns='" FAKE_NS_APP "'/>"
        "<transport xmlns='" FAKE_NS_TP_HIGH "'/></content>"
        : "<content creator='initiator' name='c2'>"
        "<description xmlns='" FAKE_NS_APP "'/>"
        "<transport xmlns='" FAKE_NS_TP_HIGH "'/></content>";
  case JA_JINGLE_ACTION_CONTENT_ACCEPT:
  case JA_JINGLE_ACTION_CONTENT_REJECT:
  case JA_JINGLE_ACTION_CONTENT_REMOVE:
  case JA_JINGLE_ACTION_TRANSPORT_REJECT:
    return "<content creator='initiator' name='c1'/>";
  case JA_JINGLE_ACTION_CONTENT_MODIFY:
    return "<content creator='initiator' name='c1' senders='initiator'/>";
  case JA_JINGLE_ACTION_DESCRIPTION_INFO:
    return "<content creator='initiator' name='c1'>"
        "<description xmlns='" FAKE_NS_APP "'/></content>";
  case JA_JINGLE_ACTION_SECURITY_INFO:
    return "<content creator='initiator' name='c1'>"
        "<security xmlns='urn:example:security'/></content>";
  case JA_JINGLE_ACTION_SESSION_ACCEPT:
    *attrs = "responder='" FAKE_PEER "'";
    return C1;
  case JA_JINGLE_ACTION_SESSION_INITIATE:
    *attrs = "initiator='" FAKE_PEER "'";
    return C1;
  case JA_JINGLE_ACTION_SESSION_INFO:
    return "";
  case JA_JINGLE_ACTION_SESSION_TERMINATE:
    return "<reason><success/></reason>";
  case JA_JINGLE_ACTION_TRANSPORT_ACCEPT:
  case JA_JINGLE_ACTION_TRANSPORT_INFO:
    return "<content creator='initiator' name='c1'>"
        "<transport xmlns='" FAKE_NS_TP_HIGH "'/></content>";
  case JA_JINGLE_ACTION_TRANSPORT_REPLACE:
    return "<content creator='initiator' name='c1'>"
        "<transport xmlns='" FAKE_NS_TP_LOW "'/></content>";
  default:
    g_assert_not_reached ();
  }
}

static void
go_state (Fixture *f, MatrixState st)
{
  g_autoptr (GError) error = NULL;

  switch (st) {
  case ST_NEW:
    f->session = ja_jingle_manager_new_session (f->manager, FAKE_PEER, &error);
    g_assert_nonnull (ja_jingle_session_add_content (f->session, "c1",
            FAKE_NS_APP, NULL, NULL, &error));
    break;
  case ST_PENDING_RESPONDER:
    go_incoming (f, "m-sid");
    break;
  case ST_PENDING_INITIATOR:
    go_outgoing (f);
    break;
  case ST_ACTIVE_RESPONDER:
    go_active_responder (f, "m-sid");
    break;
  case ST_ACTIVE_INITIATOR:
    go_active_initiator (f);
    break;
  case ST_ENDED:
    go_active_responder (f, "m-sid");
    ja_jingle_session_terminate (f->session, JA_JINGLE_REASON_SUCCESS, NULL);
    expect_set (f, "session-terminate", "m-sid", "",
        "<reason><success/></reason>");
    break;
  default:
    g_assert_not_reached ();
  }
  g_assert_no_error (error);
  fake_expect_nothing (f->fake);
}

static void
test_matrix (gconstpointer data)
{
  guint code = GPOINTER_TO_UINT (data);
  MatrixState st = code / JA_JINGLE_N_ACTIONS;
  JaJingleAction a = code % JA_JINGLE_N_ACTIONS;
  g_autofree char *sid = NULL;
  const char *attrs;
  const char *inner;
  Fixture f;

  fixture_set_up (&f, NULL);
  go_state (&f, st);
  sid = g_strdup (sid_of (&f));
  inner = matrix_inner (a, st, &attrs);
  peer_sends (&f, "m1", ja_jingle_action_to_string (a), sid, attrs, inner);
  switch (expected_reply (st, a)) {
  case R_RESULT:
    expect_result (&f, "m1");
    break;
  case R_OUT_OF_ORDER:
    expect_error (&f, "m1", "wait", "unexpected-request", "out-of-order");
    break;
  case R_UNKNOWN:
    expect_error (&f, "m1", "cancel", "item-not-found", "unknown-session");
    break;
  case R_UNSUPPORTED_INFO:
    expect_error (&f, "m1", "modify", "feature-not-implemented",
        "unsupported-info");
    break;
  }
  /* What follows the ack (transport-accept, session-terminate...) is
   * checked by the dedicated tests. */
  fake_drop_all (f.fake);
  fixture_tear_down (&f, NULL);
}

/* ---- flows -------------------------------------------------------------- */

static void
test_responder_flow (Fixture *f, gconstpointer data)
{
  g_autoptr (GInputStream) in = g_memory_input_stream_new ();
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (GIOStream) io = g_simple_io_stream_new (in, out);
  g_autoptr (JaJingleChannel) ch = ja_jingle_channel_new_stream (io);
  JaJingleContent *c;

  go_active_responder (f, "r1");
  c = c1_of (f);
  ja_jingle_content_transport_ready (c, ch);
  g_assert_cmpuint (app_of (c)->started, ==, 1);
  g_assert_true (ja_jingle_content_get_channel (c) == ch);
  g_assert_true (ja_jingle_channel_get_stream (ch) == io);
  ja_jingle_content_app_finished (c, JA_JINGLE_REASON_SUCCESS);
  expect_set (f, "session-terminate", "r1", "", "<reason><success/></reason>");
  g_assert_cmpint (ja_jingle_session_get_state (f->session), ==,
      JA_JINGLE_STATE_ENDED);
  g_assert_cmpuint (f->terminated, ==, 1);
  g_assert_false (f->by_peer);
  g_assert_cmpuint (ja_jingle_manager_get_n_sessions (f->manager), ==, 0);
  g_assert_null (ja_jingle_content_get_app (c));   /* freed after stop */
}

static void
test_initiator_flow (Fixture *f, gconstpointer data)
{
  go_active_initiator (f);
  peer_sends (f, "t1", "session-terminate", sid_of (f), "",
      "<reason><busy/><text>later</text></reason>");
  expect_result (f, "t1");
  fake_expect_nothing (f->fake);
  g_assert_cmpuint (f->terminated, ==, 1);
  g_assert_cmpint (f->reason, ==, JA_JINGLE_REASON_BUSY);
  g_assert_true (f->by_peer);
  g_assert_cmpuint (ja_jingle_manager_get_n_sessions (f->manager), ==, 0);
}

/* Session-level children of session-initiate in other namespaces (an
 * XEP-0338 group) stay readable, and what we add goes into our
 * session-accept. */
static void
test_session_payloads (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  const JaXmlNode *group;
  JaXmlNode *answer;

  peer_sends (f, "i1", "session-initiate", "p1",
      "initiator='" FAKE_PEER "'",
      C1 "<group xmlns='urn:xmpp:jingle:apps:grouping:0' semantics='BUNDLE'>"
      "<content name='c1'/></group>");
  expect_result (f, "i1");
  group = ja_jingle_session_find_initiate_payload (f->session, "group",
      "urn:xmpp:jingle:apps:grouping:0");
  g_assert_nonnull (group);
  g_assert_cmpstr (ja_xml_node_get_attr (group, "semantics"), ==, "BUNDLE");
  g_assert_null (ja_jingle_session_find_initiate_payload (f->session,
          "group", "urn:example:other"));
  answer = ja_xml_node_new ("group", "urn:xmpp:jingle:apps:grouping:0");
  ja_xml_node_set_attr (answer, "semantics", "BUNDLE");
  ja_xml_node_set_attr (ja_xml_node_add_new (answer, "content",
          "urn:xmpp:jingle:apps:grouping:0"), "name", "c1");
  ja_jingle_session_add_payload (f->session, answer);
  g_assert_true (ja_jingle_session_accept (f->session, &error));
  g_assert_no_error (error);
  expect_set (f, "session-accept", "p1", "responder='" FAKE_OWN "'",
      C1 "<group xmlns='urn:xmpp:jingle:apps:grouping:0' semantics='BUNDLE'>"
      "<content name='c1'/></group>");
}

#define NS_GROUP "urn:xmpp:jingle:apps:grouping:0"
#define GROUP2(a, b) "<group xmlns='" NS_GROUP "' semantics='BUNDLE'>" \
  "<content name='" a "'/><content name='" b "'/></group>"
#define GROUP3(a, b, c) "<group xmlns='" NS_GROUP "' semantics='BUNDLE'>" \
  "<content name='" a "'/><content name='" b "'/><content name='" c \
  "'/></group>"

static JaXmlNode *
bundle_of (const char *const *names)
{
  JaXmlNode *g = ja_xml_node_new ("group", NS_GROUP);

  ja_xml_node_set_attr (g, "semantics", "BUNDLE");
  for (; *names != NULL; names++)
    ja_xml_node_set_attr (ja_xml_node_add_new (g, "content", NS_GROUP),
        "name", *names);
  return g;
}

static guint
n_members (const JaXmlNode *g)
{
  return g != NULL ? ja_xml_node_get_n_children (g) : 0;
}

/* XEP-0338 mid-session (RFC 8843 §7.3 as WebRTC Jingle clients do it): the
 * group a content-add / content-accept carries replaces the earlier one of
 * that side; ours goes out with our next content-add / content-accept; the
 * group that applies to a content is its creator's latest. */
static void
test_bundle_content_add (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  static const char *const echo1[] = { "c1", NULL };
  static const char *const echo2[] = { "c1", "c2", NULL };
  static const char *const ours3[] = { "c1", "c2", "c3", NULL };
  static const char *const ours5[] = { "c1", "c2", "c3", "c5", NULL };
  JaJingleContent *c2, *c3, *c4, *c5;

  peer_sends (f, "i1", "session-initiate", "b1", "initiator='" FAKE_PEER "'",
      C1 "<group xmlns='" NS_GROUP "' semantics='BUNDLE'>"
      "<content name='c1'/></group>");
  expect_result (f, "i1");
  g_assert_nonnull (ja_jingle_content_get_bundle_group (c1_of (f)));
  ja_jingle_session_add_payload (f->session, bundle_of (echo1));
  g_assert_true (ja_jingle_session_accept (f->session, &error));
  expect_set (f, "session-accept", "b1", "responder='" FAKE_OWN "'",
      C1 "<group xmlns='" NS_GROUP "' semantics='BUNDLE'>"
      "<content name='c1'/></group>");

  /* The peer adds c2 into its bundle: its group is replaced before c2 is
   * made (one group of the peer's, two members). */
  peer_sends (f, "a2", "content-add", "b1", "",
      "<content creator='initiator' name='c2'>"
      "<description xmlns='" FAKE_NS_APP "'/>"
      "<transport xmlns='" FAKE_NS_TP_HIGH "'/></content>" GROUP2 ("c1", "c2"));
  expect_result (f, "a2");
  c2 = ja_jingle_session_find_content (f->session, JA_JINGLE_ROLE_INITIATOR,
      "c2");
  g_assert_nonnull (c2);
  g_assert_cmpuint (n_members (ja_jingle_session_find_peer_payload (
              f->session, "group", NS_GROUP)), ==, 2);
  g_assert_true (ja_jingle_content_get_bundle_group (c2)
      == ja_jingle_session_find_bundle_group (f->session,
          JA_JINGLE_ROLE_INITIATOR));
  /* Our echo goes out with the content-accept, once. */
  ja_jingle_session_update_payload (f->session, bundle_of (echo2));
  g_assert_cmpuint (n_members (ja_jingle_session_find_own_payload (
              f->session, "group", NS_GROUP)), ==, 2);
  g_assert_true (ja_jingle_session_accept_content (f->session, c2, &error));
  expect_set (f, "content-accept", "b1", "",
      "<content creator='initiator' name='c2'>"
      "<description xmlns='" FAKE_NS_APP "'/>"
      "<transport xmlns='" FAKE_NS_TP_HIGH "'/></content>"
      GROUP2 ("c1", "c2"));

  /* We add c3 into ours: the content-add carries the group; c3's group is
   * ours (its creator's), not the peer's, which does not list it. */
  ja_jingle_session_update_payload (f->session, bundle_of (ours3));
  c3 = ja_jingle_session_add_content (f->session, "c3", FAKE_NS_APP, NULL,
      NULL, &error);
  g_assert_no_error (error);
  expect_set (f, "content-add", "b1", "",
      "<content creator='responder' name='c3'>"
      "<description xmlns='" FAKE_NS_APP "'/>"
      "<transport xmlns='" FAKE_NS_TP_HIGH "'/></content>"
      GROUP3 ("c1", "c2", "c3"));
  g_assert_true (ja_jingle_content_get_bundle_group (c3)
      == ja_jingle_session_find_bundle_group (f->session,
          JA_JINGLE_ROLE_RESPONDER));
  g_assert_false (ja_jingle_group_has_content (
          ja_jingle_session_find_bundle_group (f->session,
              JA_JINGLE_ROLE_INITIATOR), "c3"));
  peer_sends (f, "a3", "content-accept", "b1", "",
      "<content creator='responder' name='c3'>"
      "<description xmlns='" FAKE_NS_APP "'/>"
      "<transport xmlns='" FAKE_NS_TP_HIGH "'/></content>"
      GROUP3 ("c1", "c2", "c3"));
  expect_result (f, "a3");
  g_assert_true (ja_jingle_group_has_content (
          ja_jingle_session_find_bundle_group (f->session,
              JA_JINGLE_ROLE_INITIATOR), "c3"));

  /* A content-add without a group leaves the peer's as it was: c4 is in
   * no bundle. */
  peer_sends (f, "a4", "content-add", "b1", "",
      "<content creator='initiator' name='c4'>"
      "<description xmlns='" FAKE_NS_APP "'/>"
      "<transport xmlns='" FAKE_NS_TP_HIGH "'/></content>");
  expect_result (f, "a4");
  c4 = ja_jingle_session_find_content (f->session, JA_JINGLE_ROLE_INITIATOR,
      "c4");
  g_assert_nonnull (c4);
  g_assert_null (ja_jingle_content_get_bundle_group (c4));
  g_assert_cmpuint (n_members (ja_jingle_session_find_bundle_group (
              f->session, JA_JINGLE_ROLE_INITIATOR)), ==, 3);
  /* A name only in OUR group does not bundle a content the peer created. */
  ja_jingle_session_update_payload (f->session, bundle_of (ours5));
  peer_sends (f, "a5", "content-add", "b1", "",
      "<content creator='initiator' name='c5'>"
      "<description xmlns='" FAKE_NS_APP "'/>"
      "<transport xmlns='" FAKE_NS_TP_HIGH "'/></content>");
  expect_result (f, "a5");
  c5 = ja_jingle_session_find_content (f->session, JA_JINGLE_ROLE_INITIATOR,
      "c5");
  g_assert_null (ja_jingle_content_get_bundle_group (c5));
  /* A group of other semantics is no BUNDLE. */
  peer_sends (f, "a6", "content-add", "b1", "",
      "<content creator='initiator' name='c6'>"
      "<description xmlns='" FAKE_NS_APP "'/>"
      "<transport xmlns='" FAKE_NS_TP_HIGH "'/></content>"
      "<group xmlns='" NS_GROUP "' semantics='LS'><content name='c6'/>"
      "</group>");
  expect_result (f, "a6");
  g_assert_null (ja_jingle_session_find_bundle_group (f->session,
          JA_JINGLE_ROLE_INITIATOR));
  g_assert_null (ja_jingle_content_get_bundle_group (
          ja_jingle_session_find_content (f->session,
              JA_JINGLE_ROLE_INITIATOR, "c6")));
}

/* The initiator keeps the group of the peer's session-accept. */
static void
test_bundle_accept_echo (Fixture *f, gconstpointer data)
{
  go_outgoing (f);
  g_assert_null (ja_jingle_session_find_peer_payload (f->session, "group",
          NS_GROUP));
  peer_sends (f, "a1", "session-accept", sid_of (f),
      "responder='" FAKE_PEER "'", C1 "<group xmlns='" NS_GROUP
      "' semantics='BUNDLE'><content name='c1'/></group>");
  expect_result (f, "a1");
  g_assert_true (ja_jingle_group_has_content (
          ja_jingle_session_find_bundle_group (f->session,
              JA_JINGLE_ROLE_RESPONDER), "c1"));
}

/* STYLE.md §3.10's exchange, verbatim. */
static void
test_unknown_sid (Fixture *f, gconstpointer data)
{
  fake_deliver (f->fake, "<iq type='set' id='a1' "
      "from='juliet@example.com/balcony'><jingle xmlns='urn:xmpp:jingle:1' "
      "action='session-accept' sid='nope'/></iq>");
  fake_expect (f->fake, "<iq type='error' id='a1' "
      "to='juliet@example.com/balcony'><error type='cancel'><item-not-found "
      "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><unknown-session "
      "xmlns='urn:xmpp:jingle:errors:1'/></error></iq>");
  g_assert_cmpuint (ja_jingle_manager_get_n_sessions (f->manager), ==, 0);
}

/* The sid belongs to another peer: unknown to this one. */
static void
test_other_peer (Fixture *f, gconstpointer data)
{
  go_active_responder (f, "s1");
  fake_deliver (f->fake, "<iq type='set' id='x1' from='iago@venice.lit/r'>"
      "<jingle " J " action='session-terminate' sid='s1'/></iq>");
  fake_expect (f->fake, "<iq type='error' id='x1' to='iago@venice.lit/r'>"
      "<error type='cancel'><item-not-found " ERR_NS "/><unknown-session "
      JERR_NS "/></error></iq>");
  g_assert_cmpint (ja_jingle_session_get_state (f->session), ==,
      JA_JINGLE_STATE_ACTIVE);
}

static void
test_unsupported_application (Fixture *f, gconstpointer data)
{
  peer_sends (f, "i1", "session-initiate", "u1", "",
      "<content creator='initiator' name='c1'><description xmlns='urn:nope'/>"
      "<transport xmlns='" FAKE_NS_TP_HIGH "'/></content>");
  expect_result (f, "i1");   /* §6.3.1: ack, then terminate */
  expect_set (f, "session-terminate", "u1", "",
      "<reason><unsupported-applications/></reason>");
  g_assert_cmpuint (f->incoming, ==, 0);
  g_assert_cmpuint (ja_jingle_manager_get_n_sessions (f->manager), ==, 0);
  peer_sends (f, "i2", "transport-info", "u1", "", "");
  expect_error (f, "i2", "cancel", "item-not-found", "unknown-session");
}

static void
test_unsupported_transport (Fixture *f, gconstpointer data)
{
  peer_sends (f, "i1", "session-initiate", "u1", "",
      "<content creator='initiator' name='c1'>"
      "<description xmlns='" FAKE_NS_APP "'/>"
      "<transport xmlns='urn:nope'/></content>");
  expect_result (f, "i1");
  expect_set (f, "session-terminate", "u1", "",
      "<reason><unsupported-transports/></reason>");
  /* A datagram transport for a streaming application is no better. */
  peer_sends (f, "i2", "session-initiate", "u2", "",
      "<content creator='initiator' name='c1'>"
      "<description xmlns='" FAKE_NS_APP "'/>"
      "<transport xmlns='" FAKE_NS_TP_DGRAM "'/></content>");
  expect_result (f, "i2");
  expect_set (f, "session-terminate", "u2", "",
      "<reason><unsupported-transports/></reason>");
  g_assert_cmpuint (f->incoming, ==, 0);
}

static void
test_malformed_initiate (Fixture *f, gconstpointer data)
{
  peer_sends (f, "b1", "session-initiate", "b", "", "");
  expect_error (f, "b1", "modify", "bad-request", NULL);
  peer_sends (f, "b2", "session-initiate", "b", "",
      "<content creator='initiator' name='c1'>"
      "<description xmlns='" FAKE_NS_APP "'/></content>");
  expect_error (f, "b2", "modify", "bad-request", NULL);
  peer_sends (f, "b3", "session-initiate", "b", "",    /* §7.2.10 */
      "<content creator='initiator' name='c1' disposition='early-session'>"
      "<description xmlns='" FAKE_NS_APP "'/>"
      "<transport xmlns='" FAKE_NS_TP_HIGH "'/></content>");
  expect_error (f, "b3", "modify", "bad-request", NULL);
  peer_sends (f, "b4", "session-initiate", "b", "",    /* plugin parse */
      "<content creator='initiator' name='c1'>"
      "<description xmlns='" FAKE_NS_APP "'/>"
      "<transport xmlns='" FAKE_NS_TP_HIGH "' bad='1'/></content>");
  expect_error (f, "b4", "modify", "bad-request", NULL);
  peer_sends (f, "b5", "session-explode", "b", "", "");   /* §7.2 */
  expect_error (f, "b5", "modify", "bad-request", NULL);
  fake_deliver (f->fake, "<iq type='set' id='b6'><jingle " J
      " action='session-info' sid='b'/></iq>");   /* no from */
  fake_expect (f->fake, "<iq type='error' id='b6'><error type='modify'>"
      "<bad-request " ERR_NS "/></error></iq>");
  g_assert_cmpuint (f->incoming, ==, 0);
  g_assert_cmpuint (ja_jingle_manager_get_n_sessions (f->manager), ==, 0);
}

/* §6.8: empty session-info is a ping; a payload nobody takes is
 * feature-not-implemented + unsupported-info. */
static void
test_session_info (Fixture *f, gconstpointer data)
{
  go_active_responder (f, "s1");
  peer_sends (f, "p1", "session-info", "s1", "", "");
  expect_result (f, "p1");
  peer_sends (f, "p2", "session-info", "s1", "",
      "<ringing xmlns='" FAKE_NS_INFO "'/>");
  expect_result (f, "p2");
  g_assert_cmpuint (app_of (c1_of (f))->session_infos, ==, 1);
  peer_sends (f, "p3", "session-info", "s1", "",
      "<hold xmlns='urn:xmpp:jingle:apps:rtp:info:1'/>");
  expect_error (f, "p3", "modify", "feature-not-implemented",
      "unsupported-info");
  g_assert_cmpint (ja_jingle_session_get_state (f->session), ==,
      JA_JINGLE_STATE_ACTIVE);
}

/* An application and a transport without info ops. */
static void
test_unsupported_info_ops (Fixture *f, gconstpointer data)
{
  peer_sends (f, "i1", "session-initiate", "d1", "",
      "<content creator='initiator' name='c1'>"
      "<description xmlns='" FAKE_NS_APP_DGRAM "'/>"
      "<transport xmlns='" FAKE_NS_TP_DGRAM "'/></content>");
  expect_result (f, "i1");
  peer_sends (f, "d2", "description-info", "d1", "",
      "<content creator='initiator' name='c1'>"
      "<description xmlns='" FAKE_NS_APP_DGRAM "'/></content>");
  expect_error (f, "d2", "modify", "feature-not-implemented",
      "unsupported-info");
  peer_sends (f, "d3", "transport-info", "d1", "",
      "<content creator='initiator' name='c1'>"
      "<transport xmlns='" FAKE_NS_TP_DGRAM "'/></content>");
  expect_error (f, "d3", "modify", "feature-not-implemented",
      "unsupported-info");
  peer_sends (f, "d4", "session-info", "d1", "",
      "<ringing xmlns='" FAKE_NS_INFO "'/>");
  expect_error (f, "d4", "modify", "feature-not-implemented",
      "unsupported-info");
  peer_sends (f, "d5", "transport-info", "d1", "",
      "<content creator='initiator' name='zz'>"
      "<transport xmlns='" FAKE_NS_TP_DGRAM "'/></content>");
  expect_error (f, "d5", "modify", "bad-request", NULL);
}

/* §6.3.1: the ack goes out before anything the request causes, even when the
 * application accepts from inside "incoming-session". */
static void
test_ack_first (Fixture *f, gconstpointer data)
{
  f->auto_accept = TRUE;
  peer_sends (f, "i1", "session-initiate", "af", "", C1);
  expect_result (f, "i1");
  expect_set (f, "session-accept", "af", "responder='" FAKE_OWN "'", C1);
  fake_expect_nothing (f->fake);
}

static void
test_accept_incompatible (Fixture *f, gconstpointer data)
{
  go_outgoing (f);
  peer_sends (f, "a1", "session-accept", sid_of (f), "",
      "<content creator='initiator' name='c1'>"
      "<description xmlns='" FAKE_NS_APP "' fail='1'/>"
      "<transport xmlns='" FAKE_NS_TP_HIGH "'/></content>");
  expect_result (f, "a1");
  expect_set (f, "session-terminate", sid_of (f), "",
      "<reason><incompatible-parameters/><text>fake: fail='1'</text>"
      "</reason>");
  g_assert_cmpint (f->reason, ==, JA_JINGLE_REASON_INCOMPATIBLE_PARAMETERS);
  /* A session-accept naming another application is malformed. */
  fixture_tear_down (f, NULL);
  fixture_set_up (f, NULL);
  go_outgoing (f);
  peer_sends (f, "a2", "session-accept", sid_of (f), "",
      "<content creator='initiator' name='c1'>"
      "<description xmlns='" FAKE_NS_APP_DGRAM "'/>"
      "<transport xmlns='" FAKE_NS_TP_HIGH "'/></content>");
  expect_error (f, "a2", "modify", "bad-request", NULL);
  g_assert_cmpint (ja_jingle_session_get_state (f->session), ==,
      JA_JINGLE_STATE_PENDING);
}

static void
test_initiate_refused (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  const char *id;

  f->session = ja_jingle_manager_new_session (f->manager, FAKE_PEER, &error);
  watch (f, f->session);
  ja_jingle_session_add_content (f->session, "c1", FAKE_NS_APP, NULL, NULL,
      &error);
  g_assert_true (ja_jingle_session_initiate (f->session, &error));
  id = expect_set_pending (f, "session-initiate", sid_of (f),
      "initiator='" FAKE_OWN "'", C1);
  fake_answer (f->fake, id, "service-unavailable");
  g_assert_cmpint (ja_jingle_session_get_state (f->session), ==,
      JA_JINGLE_STATE_ENDED);
  g_assert_cmpint (f->reason, ==, JA_JINGLE_REASON_GENERAL_ERROR);
  fake_expect_nothing (f->fake);   /* nothing to terminate */
}

/* Local actions out of turn are refused without touching the wire. */
static void
test_local_out_of_order (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  go_outgoing (f);
  g_assert_false (ja_jingle_session_accept (f->session, &error));
  g_assert_error (error, JA_JINGLE_ERROR, JA_JINGLE_ERROR_OUT_OF_ORDER);
  g_clear_error (&error);
  g_assert_false (ja_jingle_session_initiate (f->session, &error));
  g_assert_error (error, JA_JINGLE_ERROR, JA_JINGLE_ERROR_OUT_OF_ORDER);
  g_clear_error (&error);
  g_assert_false (ja_jingle_session_accept_content (f->session, c1_of (f),
          &error));
  g_assert_error (error, JA_JINGLE_ERROR, JA_JINGLE_ERROR_OUT_OF_ORDER);
  g_clear_error (&error);
  g_assert_null (ja_jingle_session_add_content (f->session, "c1",
          FAKE_NS_APP, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_null (ja_jingle_session_add_content (f->session, "c9",
          "urn:nope", NULL, NULL, &error));
  g_assert_error (error, JA_JINGLE_ERROR,
      JA_JINGLE_ERROR_UNSUPPORTED_APPLICATIONS);
  fake_expect_nothing (f->fake);
}

/* ---- contents ----------------------------------------------------------- */

/* JaJingleAppOptions.senders goes out on session-initiate, stays on the
 * content (session-accept's echo carries it too) and on content-add; the
 * zero value (both) is not written. */
static void
test_senders_local (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  JaJingleAppOptions resp = { .senders = JA_JINGLE_SENDERS_RESPONDER };
  JaJingleAppOptions init = { .senders = JA_JINGLE_SENDERS_INITIATOR };
  JaJingleAppOptions both = { 0 };
  JaJingleContent *c1, *c2, *c3;

  f->session = ja_jingle_manager_new_session (f->manager, FAKE_PEER, &error);
  g_assert_no_error (error);
  watch (f, f->session);
  c1 = ja_jingle_session_add_content (f->session, "c1", FAKE_NS_APP, NULL,
      &resp, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ja_jingle_content_get_senders (c1), ==,
      JA_JINGLE_SENDERS_RESPONDER);
  g_assert_true (ja_jingle_session_initiate (f->session, &error));
  expect_set (f, "session-initiate", sid_of (f), "initiator='" FAKE_OWN "'",
      "<content creator='initiator' name='c1' senders='responder'>"
      "<description xmlns='" FAKE_NS_APP "'/>"
      "<transport xmlns='" FAKE_NS_TP_HIGH "'/></content>");
  peer_sends (f, "a1", "session-accept", sid_of (f),
      "responder='" FAKE_PEER "'",
      "<content creator='initiator' name='c1' senders='responder'>"
      "<description xmlns='" FAKE_NS_APP "'/>"
      "<transport xmlns='" FAKE_NS_TP_HIGH "'/></content>");
  expect_result (f, "a1");
  g_assert_cmpint (ja_jingle_session_get_state (f->session), ==,
      JA_JINGLE_STATE_ACTIVE);

  c2 = ja_jingle_session_add_content (f->session, "c2", FAKE_NS_APP, NULL,
      &init, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ja_jingle_content_get_senders (c2), ==,
      JA_JINGLE_SENDERS_INITIATOR);
  expect_set (f, "content-add", sid_of (f), "",
      "<content creator='initiator' name='c2' senders='initiator'>"
      "<description xmlns='" FAKE_NS_APP "'/>"
      "<transport xmlns='" FAKE_NS_TP_HIGH "'/></content>");
  c3 = ja_jingle_session_add_content (f->session, "c3", FAKE_NS_APP, NULL,
      &both, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ja_jingle_content_get_senders (c3), ==,
      JA_JINGLE_SENDERS_BOTH);
  expect_set (f, "content-add", sid_of (f), "",
      "<content creator='initiator' name='c3'>"
      "<description xmlns='" FAKE_NS_APP "'/>"
      "<transport xmlns='" FAKE_NS_TP_HIGH "'/></content>");
  fake_expect_nothing (f->fake);
}

/* A peer's content keeps its senders, and our session-accept echoes it. */
static void
test_senders_remote (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->auto_accept = FALSE;
  peer_sends (f, "i1", "session-initiate", "s9",
      "initiator='" FAKE_PEER "'",
      "<content creator='initiator' name='c1' senders='responder'>"
      "<description xmlns='" FAKE_NS_APP "'/>"
      "<transport xmlns='" FAKE_NS_TP_HIGH "'/></content>");
  expect_result (f, "i1");
  g_assert_nonnull (f->session);
  g_assert_cmpint (ja_jingle_content_get_senders (c1_of (f)), ==,
      JA_JINGLE_SENDERS_RESPONDER);
  g_assert_true (ja_jingle_session_accept (f->session, &error));
  g_assert_no_error (error);
  expect_set (f, "session-accept", "s9", "responder='" FAKE_OWN "'",
      "<content creator='initiator' name='c1' senders='responder'>"
      "<description xmlns='" FAKE_NS_APP "'/>"
      "<transport xmlns='" FAKE_NS_TP_HIGH "'/></content>");
}

static void
test_content_add_local (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  JaJingleContent *c2, *c3;
  const char *id;

  go_active_responder (f, "s1");
  c2 = ja_jingle_session_add_content (f->session, "c2", FAKE_NS_APP,
      FAKE_NS_TP_LOW, NULL, &error);
  g_assert_no_error (error);
  expect_set (f, "content-add", "s1", "",
      "<content creator='responder' name='c2'>"
      "<description xmlns='" FAKE_NS_APP "'/>"
      "<transport xmlns='" FAKE_NS_TP_LOW "'/></content>");
  peer_sends (f, "ca", "content-accept", "s1", "",
      "<content creator='responder' name='c2'>"
      "<description xmlns='" FAKE_NS_APP "'/>"
      "<transport xmlns='" FAKE_NS_TP_LOW "'/></content>");
  expect_result (f, "ca");
  g_assert_true (ja_jingle_content_is_accepted (c2));
  g_assert_cmpuint (tp_of (c2)->connects, ==, 1);
  /* A second accept of the same content is out of order. */
  peer_sends (f, "cb", "content-accept", "s1", "",
      "<content creator='responder' name='c2'/>");
  expect_error (f, "cb", "wait", "unexpected-request", "out-of-order");

  c3 = ja_jingle_session_add_content (f->session, "c3", FAKE_NS_APP, NULL,
      NULL, &error);
  g_assert_nonnull (c3);
  expect_set (f, "content-add", "s1", "",
      "<content creator='responder' name='c3'>"
      "<description xmlns='" FAKE_NS_APP "'/>"
      "<transport xmlns='" FAKE_NS_TP_HIGH "'/></content>");
  peer_sends (f, "cr", "content-reject", "s1", "",
      "<content creator='responder' name='c3'/><reason><decline/></reason>");
  expect_result (f, "cr");
  g_assert_null (ja_jingle_session_find_content (f->session,
          JA_JINGLE_ROLE_RESPONDER, "c3"));
  g_assert_cmpuint (ja_jingle_session_get_n_contents (f->session), ==, 2);
  fake_expect_nothing (f->fake);

  /* Our content-add refused with an IQ error: the content goes. */
  g_assert_nonnull (ja_jingle_session_add_content (f->session, "c4",
          FAKE_NS_APP, NULL, NULL, &error));
  id = expect_set_pending (f, "content-add", "s1", "",
      "<content creator='responder' name='c4'>"
      "<description xmlns='" FAKE_NS_APP "'/>"
      "<transport xmlns='" FAKE_NS_TP_HIGH "'/></content>");
  fake_answer (f->fake, id, "not-acceptable");
  g_assert_cmpuint (ja_jingle_session_get_n_contents (f->session), ==, 2);
}

static void
test_content_add_remote (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  JaJingleContent *c2;

  go_active_initiator (f);
  peer_sends (f, "ca", "content-add", sid_of (f), "",
      "<content creator='responder' name='c2' senders='responder'>"
      "<description xmlns='" FAKE_NS_APP "'/>"
      "<transport xmlns='" FAKE_NS_TP_HIGH "'/></content>");
  expect_result (f, "ca");
  g_assert_cmpuint (f->content_added, ==, 1);
  c2 = ja_jingle_session_find_content (f->session, JA_JINGLE_ROLE_RESPONDER,
      "c2");
  g_assert_nonnull (c2);
  g_assert_cmpint (ja_jingle_content_get_senders (c2), ==,
      JA_JINGLE_SENDERS_RESPONDER);
  g_assert_true (ja_jingle_session_accept_content (f->session, c2, &error));
  expect_set (f, "content-accept", sid_of (f), "",
      "<content creator='responder' name='c2' senders='responder'>"
      "<description xmlns='" FAKE_NS_APP "'/>"
      "<transport xmlns='" FAKE_NS_TP_HIGH "'/></content>");
  g_assert_cmpuint (tp_of (c2)->connects, ==, 1);

  peer_sends (f, "cb", "content-add", sid_of (f), "",
      "<content creator='responder' name='c3'>"
      "<description xmlns='" FAKE_NS_APP "'/>"
      "<transport xmlns='" FAKE_NS_TP_HIGH "'/></content>");
  expect_result (f, "cb");
  g_assert_true (ja_jingle_session_reject_content (f->session,
          ja_jingle_session_find_content (f->session,
              JA_JINGLE_ROLE_RESPONDER, "c3"), JA_JINGLE_REASON_DECLINE,
          &error));
  expect_set (f, "content-reject", sid_of (f), "",
      "<content creator='responder' name='c3'/><reason><decline/></reason>");

  /* §7.2.2: an application we lack is rejected after the ack. */
  peer_sends (f, "cc", "content-add", sid_of (f), "",
      "<content creator='responder' name='c4'>"
      "<description xmlns='urn:nope'/>"
      "<transport xmlns='" FAKE_NS_TP_HIGH "'/></content>");
  expect_result (f, "cc");
  expect_set (f, "content-reject", sid_of (f), "",
      "<content creator='responder' name='c4'/>"
      "<reason><unsupported-applications/></reason>");
  /* The creator must be the sender; a duplicate name is malformed. */
  peer_sends (f, "cd", "content-add", sid_of (f), "", C1);
  expect_error (f, "cd", "modify", "bad-request", NULL);
  g_assert_cmpuint (f->content_added, ==, 2);
}

static void
test_content_modify_remove (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  go_active_responder (f, "s1");
  peer_sends (f, "m1", "content-modify", "s1", "",
      "<content creator='initiator' name='c1' senders='initiator'/>");
  expect_result (f, "m1");
  g_assert_cmpint (app_of (c1_of (f))->senders, ==,
      JA_JINGLE_SENDERS_INITIATOR);
  peer_sends (f, "m2", "content-modify", "s1", "",   /* senders REQUIRED */
      "<content creator='initiator' name='c1'/>");
  expect_error (f, "m2", "modify", "bad-request", NULL);
  g_assert_true (ja_jingle_session_modify_content (f->session, c1_of (f),
          JA_JINGLE_SENDERS_NONE, &error));
  expect_set (f, "content-modify", "s1", "",
      "<content creator='initiator' name='c1' senders='none'/>");
  /* §7.2.5: removing the last content voids the session. */
  peer_sends (f, "r1", "content-remove", "s1", "",
      "<content creator='initiator' name='c1'/>");
  expect_result (f, "r1");
  expect_set (f, "session-terminate", "s1", "",
      "<reason><success/><text>no content left</text></reason>");
  g_assert_cmpint (ja_jingle_session_get_state (f->session), ==,
      JA_JINGLE_STATE_ENDED);
}

/* ---- timeout and reasons ------------------------------------------------ */

static gboolean
ended_cond (gpointer data)
{
  return ja_jingle_session_get_state (data) == JA_JINGLE_STATE_ENDED;
}

static void
test_accept_timeout (Fixture *f, gconstpointer data)
{
  ja_jingle_manager_set_accept_timeout (f->manager, 20);
  go_incoming (f, "to1");            /* we never accept */
  g_assert_true (wait_until (ended_cond, f->session, 5000));
  expect_set (f, "session-terminate", "to1", "", "<reason><timeout/></reason>");
  g_assert_cmpint (f->reason, ==, JA_JINGLE_REASON_TIMEOUT);
  g_clear_object (&f->session);

  go_outgoing (f);                   /* the peer never accepts */
  g_assert_true (wait_until (ended_cond, f->session, 5000));
  expect_set (f, "session-terminate", sid_of (f), "",
      "<reason><timeout/></reason>");
  g_clear_object (&f->session);

  /* An accepted session does not time out. */
  go_active_responder (f, "to3");
  ja_jingle_manager_set_accept_timeout (f->manager, 0);
  g_assert_false (wait_until (ended_cond, f->session, 60));
}

static void
test_terminate_reasons (void)
{
  for (guint r = 0; r < JA_JINGLE_N_REASONS; r++) {
    g_autofree char *inner = g_strdup_printf ("<reason><%s/></reason>",
        ja_jingle_reason_to_string (r));
    Fixture f;

    fixture_set_up (&f, NULL);
    go_active_responder (&f, "tr");
    ja_jingle_session_terminate (f.session, r, NULL);
    expect_set (&f, "session-terminate", "tr", "", inner);
    g_assert_cmpuint (app_of (c1_of (&f)) == NULL, ==, TRUE);
    g_assert_cmpint (f.reason, ==, r);
    fixture_tear_down (&f, NULL);

    fixture_set_up (&f, NULL);
    go_active_initiator (&f);
    peer_sends (&f, "t", "session-terminate", sid_of (&f), "", inner);
    expect_result (&f, "t");
    g_assert_cmpint (f.reason, ==, r);
    g_assert_true (f.by_peer);
    fixture_tear_down (&f, NULL);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint st = 0; st < N_ST; st++) {
    for (guint a = 0; a < JA_JINGLE_N_ACTIONS; a++) {
      g_autofree char *path = g_strdup_printf ("/jingle/session/matrix/%s/%s",
          st_names[st], ja_jingle_action_to_string (a));

      g_test_add_data_func (path,
          GUINT_TO_POINTER (st * JA_JINGLE_N_ACTIONS + a), test_matrix);
    }
  }
#define ADD(path, fn) \
  g_test_add ("/jingle/session/" path, Fixture, NULL, fixture_set_up, fn, \
      fixture_tear_down)
  ADD ("responder-flow", test_responder_flow);
  ADD ("initiator-flow", test_initiator_flow);
  ADD ("unknown-sid", test_unknown_sid);
  ADD ("other-peer", test_other_peer);
  ADD ("unsupported-application", test_unsupported_application);
  ADD ("unsupported-transport", test_unsupported_transport);
  ADD ("malformed-initiate", test_malformed_initiate);
  ADD ("session-info", test_session_info);
  ADD ("unsupported-info-ops", test_unsupported_info_ops);
  ADD ("ack-first", test_ack_first);
  ADD ("accept-incompatible", test_accept_incompatible);
  ADD ("initiate-refused", test_initiate_refused);
  ADD ("local-out-of-order", test_local_out_of_order);
  ADD ("senders-local", test_senders_local);
  ADD ("senders-remote", test_senders_remote);
  ADD ("content-add-local", test_content_add_local);
  ADD ("content-add-remote", test_content_add_remote);
  ADD ("content-modify-remove", test_content_modify_remove);
  ADD ("accept-timeout", test_accept_timeout);
  g_test_add ("/jingle/session/session-payloads", Fixture, NULL,
      fixture_set_up, test_session_payloads, fixture_tear_down);
  g_test_add ("/jingle/session/bundle-content-add", Fixture, NULL,
      fixture_set_up, test_bundle_content_add, fixture_tear_down);
  g_test_add ("/jingle/session/bundle-accept-echo", Fixture, NULL,
      fixture_set_up, test_bundle_accept_echo, fixture_tear_down);
  g_test_add_func ("/jingle/session/terminate-reasons",
      test_terminate_reasons);
  return g_test_run ();
}
