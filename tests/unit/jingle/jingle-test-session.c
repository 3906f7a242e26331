/* jingle-test-session.c — see jingle-test-session.h. */
#include "tests/unit/jingle/jingle-test-session.h"

#include <string.h>

static void
terminated_cb (JaJingleSession *s, guint reason, const char *text,
    gboolean by_peer, Fixture *f)
{
  f->terminated++;
  f->reason = reason;
  f->by_peer = by_peer;
}

static void
content_added_cb (JaJingleSession *s, JaJingleContent *c, Fixture *f)
{
  f->content_added++;
}

void
watch (Fixture *f, JaJingleSession *s)
{
  g_signal_connect (s, "terminated", G_CALLBACK (terminated_cb), f);
  g_signal_connect (s, "content-added", G_CALLBACK (content_added_cb), f);
}

static void
incoming_cb (JaJingleManager *m, JaJingleSession *s, Fixture *f)
{
  g_autoptr (GError) error = NULL;

  f->incoming++;
  g_clear_object (&f->session);
  f->session = g_object_ref (s);
  watch (f, s);
  if (f->auto_accept) {
    g_assert_true (ja_jingle_session_accept (s, &error));
    g_assert_no_error (error);
  }
}

void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (JaJingleRegistry) reg = fake_registry_new ();

  memset (f, 0, sizeof *f);
  f->fake = fake_signalling_new ();
  f->manager = ja_jingle_manager_new (fake_signalling_base (f->fake), reg);
  ja_jingle_manager_set_accept_timeout (f->manager, 0);
  g_signal_connect (f->manager, "incoming-session", G_CALLBACK (incoming_cb),
      f);
}

void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->session);
  g_clear_object (&f->manager);   /* frees the fake */
}

void
peer_sends (Fixture *f, const char *id, const char *action, const char *sid,
    const char *attrs, const char *inner)
{
  fake_deliver (f->fake, "<iq type='set' id='%s' from='" FAKE_PEER "' "
      "to='" FAKE_OWN "'><jingle " J " action='%s' sid='%s' %s>%s</jingle>"
      "</iq>", id, action, sid, attrs ? attrs : "", inner ? inner : "");
}

void
expect_result (Fixture *f, const char *id)
{
  fake_expect (f->fake, "<iq type='result' to='" FAKE_PEER "' id='%s'/>", id);
}

void
expect_error (Fixture *f, const char *id, const char *type, const char *cond,
    const char *app)
{
  g_autofree char *app_xml = app ? g_strdup_printf ("<%s " JERR_NS "/>", app)
      : g_strdup ("");

  fake_expect (f->fake, "<iq type='error' to='" FAKE_PEER "' id='%s'>"
      "<error type='%s'><%s " ERR_NS "/>%s</error></iq>", id, type, cond,
      app_xml);
}

const char *
expect_set_pending (Fixture *f, const char *action, const char *sid,
    const char *attrs, const char *inner)
{
  return fake_expect (f->fake, "<iq type='set' to='" FAKE_PEER "' id='{id}'>"
      "<jingle " J " action='%s' sid='%s' %s>%s</jingle></iq>", action, sid,
      attrs ? attrs : "", inner ? inner : "");
}

void
expect_set (Fixture *f, const char *action, const char *sid,
    const char *attrs, const char *inner)
{
  const char *id = expect_set_pending (f, action, sid, attrs, inner);

  fake_answer (f->fake, id, NULL);
}

void
go_incoming (Fixture *f, const char *sid)
{
  peer_sends (f, "i1", "session-initiate", sid,
      "initiator='" FAKE_PEER "'", C1);
  expect_result (f, "i1");
  g_assert_nonnull (f->session);
  g_assert_cmpint (ja_jingle_session_get_state (f->session), ==,
      JA_JINGLE_STATE_PENDING);
  g_assert_cmpint (ja_jingle_session_get_role (f->session), ==,
      JA_JINGLE_ROLE_RESPONDER);
}

void
go_outgoing (Fixture *f)
{
  g_autoptr (GError) error = NULL;

  f->session = ja_jingle_manager_new_session (f->manager, FAKE_PEER, &error);
  g_assert_no_error (error);
  watch (f, f->session);
  g_assert_nonnull (ja_jingle_session_add_content (f->session, "c1",
          FAKE_NS_APP, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ja_jingle_session_get_state (f->session), ==,
      JA_JINGLE_STATE_NEW);
  g_assert_true (ja_jingle_session_initiate (f->session, &error));
  expect_set (f, "session-initiate", sid_of (f), "initiator='" FAKE_OWN "'",
      C1);
  g_assert_cmpint (ja_jingle_session_get_state (f->session), ==,
      JA_JINGLE_STATE_PENDING);
}

void
go_active_responder (Fixture *f, const char *sid)
{
  g_autoptr (GError) error = NULL;

  go_incoming (f, sid);
  g_assert_true (ja_jingle_session_accept (f->session, &error));
  expect_set (f, "session-accept", sid, "responder='" FAKE_OWN "'", C1);
  g_assert_cmpint (ja_jingle_session_get_state (f->session), ==,
      JA_JINGLE_STATE_ACTIVE);
  g_assert_cmpuint (tp_of (c1_of (f))->connects, ==, 1);
}

void
go_active_initiator (Fixture *f)
{
  go_outgoing (f);
  peer_sends (f, "a1", "session-accept", sid_of (f),
      "responder='" FAKE_PEER "'", C1);
  expect_result (f, "a1");
  g_assert_cmpint (ja_jingle_session_get_state (f->session), ==,
      JA_JINGLE_STATE_ACTIVE);
  g_assert_cmpuint (tp_of (c1_of (f))->connects, ==, 1);
  g_assert_cmpuint (app_of (c1_of (f))->accepted, ==, 1);
}

const char *
sid_of (Fixture *f)
{
  return ja_jingle_session_get_sid (f->session);
}

JaJingleContent *
c1_of (Fixture *f)
{
  return ja_jingle_session_find_content (f->session, JA_JINGLE_ROLE_INITIATOR,
      "c1");
}

FakeApp *
app_of (JaJingleContent *c)
{
  return (FakeApp *) ja_jingle_content_get_app (c);
}

FakeTransport *
tp_of (JaJingleContent *c)
{
  return (FakeTransport *) ja_jingle_content_get_transport (c);
}

static gboolean
expired_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
wait_until (gboolean (*cond) (gpointer), gpointer data, guint timeout_ms)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add (timeout_ms, expired_cb, &expired);

  while (!cond (data) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (id);
  return cond (data);
}
