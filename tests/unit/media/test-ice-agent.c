/* test-ice-agent.c — two JaIceAgents on 127.0.0.1 in one process (libnice,
 * RFC 8445 + trickle, suite 'loopback'): they trickle candidates to each
 * other, connect, report the selected pair and carry datagrams both ways
 * intact; candidates that arrive before the credentials still connect; an
 * ICE restart reconnects with new credentials; when one side vanishes the
 * other reaches FAILED through consent freshness (RFC 7675) within 20 s;
 * peer garbage (bad candidates, credentials) is refused with an error. */
#include <string.h>

#include "media/ice-agent.h"
#include "media/media-error.h"
#include "media/media-loop.h"
#include "tests/support/ja-test-ice.h"

#define CONNECT_TIMEOUT_MS 10000
/* libnice 0.1.21 with consent freshness (RFC 7675) declares the selected
 * pair FAILED ~10 s after the peer stops answering (measured: 10.0 s). */
#define CONSENT_BOUND_MS 20000

static const char *const loopback_only[] = { "127.0.0.1", NULL };

typedef struct {
  JaTestIceSide a;
  JaTestIceSide b;
} Fixture;

static void
config_loopback (JaIceConfig *cfg, gboolean controlling)
{
  memset (cfg, 0, sizeof *cfg);
  cfg->controlling = controlling;
  cfg->n_components = 1;
  cfg->host_candidates = TRUE;
  cfg->allow_loopback = TRUE;
  cfg->local_addresses = loopback_only;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  JaIceConfig cfg;

  config_loopback (&cfg, TRUE);
  ja_test_ice_side_init (&f->a, "a", &cfg);
  config_loopback (&cfg, FALSE);
  ja_test_ice_side_init (&f->b, "b", &cfg);
  f->a.peer = &f->b;
  f->b.peer = &f->a;
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  ja_test_ice_side_clear (&f->a);
  ja_test_ice_side_clear (&f->b);
}

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the loop until cond holds or timeout_ms passes (no sleeps). */
static gboolean
wait_cond (gboolean (*cond) (Fixture *f), Fixture *f, guint timeout_ms)
{
  gboolean fired = FALSE;
  guint id = g_timeout_add (timeout_ms, timeout_cb, &fired);

  while (!cond (f) && !fired)
    g_main_context_iteration (NULL, TRUE);
  if (!fired)
    g_source_remove (id);
  return cond (f);
}

static void
assert_loopback_pair (JaTestIceSide *side)
{
  g_assert_nonnull (side->sel_local);
  g_assert_nonnull (side->sel_remote);
  g_assert_cmpstr (side->sel_local->ip, ==, "127.0.0.1");
  g_assert_cmpstr (side->sel_remote->ip, ==, "127.0.0.1");
  g_assert_cmpuint (side->sel_local->port, >, 0);
  g_assert_cmpuint (side->sel_remote->port, >, 0);
  g_assert_cmpuint (side->sel_local->port, !=, side->sel_remote->port);
}

static gboolean
received_all (Fixture *f)
{
  gboolean all;

  g_mutex_lock (&f->a.lock);
  g_mutex_lock (&f->b.lock);
  all = f->a.received->len >= 3 && f->b.received->len >= 3;
  g_mutex_unlock (&f->b.lock);
  g_mutex_unlock (&f->a.lock);
  return all;
}

/* Three datagrams each way (1, 200 and 1200 bytes of random content) must
 * arrive byte for byte. */
static void
exchange_data (Fixture *f)
{
  static const gsize sizes[] = { 1, 200, 1200 };
  g_autoptr (GPtrArray) to_b = g_ptr_array_new_with_free_func (
      (GDestroyNotify) g_bytes_unref);
  g_autoptr (GPtrArray) to_a = g_ptr_array_new_with_free_func (
      (GDestroyNotify) g_bytes_unref);
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++) {
    guint8 *buf = g_malloc (sizes[i]);

    for (gsize j = 0; j < sizes[i]; j++)
      buf[j] = g_random_int_range (0, 256);
    g_ptr_array_add (to_b, g_bytes_new_take (buf, sizes[i]));
    buf = g_malloc (sizes[i]);
    for (gsize j = 0; j < sizes[i]; j++)
      buf[j] = g_random_int_range (0, 256);
    g_ptr_array_add (to_a, g_bytes_new_take (buf, sizes[i]));
  }
  g_mutex_lock (&f->a.lock);
  g_ptr_array_set_size (f->a.received, 0);
  g_mutex_unlock (&f->a.lock);
  g_mutex_lock (&f->b.lock);
  g_ptr_array_set_size (f->b.received, 0);
  g_mutex_unlock (&f->b.lock);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++) {
    gsize len;
    const guint8 *d = g_bytes_get_data (to_b->pdata[i], &len);

    g_assert_true (ja_ice_agent_send (f->a.agent, 1, d, len, &error));
    g_assert_no_error (error);
    d = g_bytes_get_data (to_a->pdata[i], &len);
    g_assert_true (ja_ice_agent_send (f->b.agent, 1, d, len, &error));
    g_assert_no_error (error);
  }
  g_assert_true (wait_cond (received_all, f, 5000));
  g_assert_cmpuint (f->a.received->len, ==, 3);
  g_assert_cmpuint (f->b.received->len, ==, 3);
  /* Loopback UDP keeps the order; compare each datagram. */
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++) {
    g_assert_true (g_bytes_equal (f->b.received->pdata[i], to_b->pdata[i]));
    g_assert_true (g_bytes_equal (f->a.received->pdata[i], to_a->pdata[i]));
  }
}

static void
gather_both (Fixture *f)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (ja_ice_agent_gather (f->a.agent, &error));
  g_assert_no_error (error);
  g_assert_true (ja_ice_agent_gather (f->b.agent, &error));
  g_assert_no_error (error);
}

static gboolean
both_gathered (Fixture *f)
{
  return f->a.gathering_done && f->b.gathering_done;
}

/* Only the restricted address is used: every local candidate is a host
 * candidate on 127.0.0.1 (no 192.0.2.2 or fd00::2). */
static void
assert_only_loopback_candidates (JaTestIceSide *side)
{
  g_autoptr (GPtrArray) cands = ja_ice_agent_get_local_candidates (side->agent);

  g_assert_cmpuint (cands->len, >=, 1);
  g_assert_cmpuint (cands->len, ==, side->n_local);
  for (guint i = 0; i < cands->len; i++) {
    const JaIceCandidate *c = cands->pdata[i];

    g_assert_cmpstr (c->ip, ==, "127.0.0.1");
    g_assert_cmpint (c->type, ==, JA_ICE_CANDIDATE_HOST);
    g_assert_cmpstr (c->protocol, ==, "udp");
    g_assert_nonnull (c->foundation);
    g_assert_nonnull (c->id);
    g_assert_cmpuint (c->priority, >, 0);
  }
}

static void
test_connect (Fixture *f, gconstpointer data)
{
  ja_test_ice_exchange_credentials (&f->a, &f->b);
  gather_both (f);
  g_assert_true (ja_test_ice_wait_connected (&f->a, &f->b,
          CONNECT_TIMEOUT_MS));
  assert_only_loopback_candidates (&f->a);
  assert_only_loopback_candidates (&f->b);
  assert_loopback_pair (&f->a);
  assert_loopback_pair (&f->b);
  /* Each side's selected remote is the other's selected local. */
  g_assert_cmpuint (f->a.sel_remote->port, ==, f->b.sel_local->port);
  g_assert_cmpuint (f->b.sel_remote->port, ==, f->a.sel_local->port);
  g_assert_true (ja_ice_agent_get_controlling (f->a.agent));
  g_assert_false (ja_ice_agent_get_controlling (f->b.agent));
  g_assert_cmpuint (ja_ice_agent_get_connect_ms (f->a.agent), >, 0);
  g_assert_cmpuint (ja_ice_agent_get_connect_ms (f->b.agent), >, 0);
  g_assert_cmpuint (ja_ice_agent_get_connect_ms (f->a.agent), <,
      CONNECT_TIMEOUT_MS);
  g_test_message ("connect ms: a %u, b %u",
      ja_ice_agent_get_connect_ms (f->a.agent),
      ja_ice_agent_get_connect_ms (f->b.agent));
  exchange_data (f);
}

/* XEP-0176: transport-info may overtake session-accept, so candidates (and
 * the end-of-candidates) arrive before the credentials. */
static void
test_candidates_before_credentials (Fixture *f, gconstpointer data)
{
  gather_both (f);
  g_assert_true (wait_cond (both_gathered, f, CONNECT_TIMEOUT_MS));
  g_assert_cmpuint (f->a.n_local, >=, 1);
  g_assert_cmpuint (f->b.n_local, >=, 1);
  /* Nothing can connect without the peer's credentials. */
  g_assert_false (ja_test_ice_side_connected (&f->a));
  g_assert_false (ja_test_ice_side_connected (&f->b));
  g_assert_cmpuint (ja_ice_agent_get_connect_ms (f->a.agent), ==, 0);
  ja_test_ice_exchange_credentials (&f->a, &f->b);
  g_assert_true (ja_test_ice_wait_connected (&f->a, &f->b,
          CONNECT_TIMEOUT_MS));
  assert_loopback_pair (&f->a);
  assert_loopback_pair (&f->b);
  exchange_data (f);
}

static gboolean
both_reselected (Fixture *f)
{
  return f->a.n_selected >= 2 && f->b.n_selected >= 2
      && ja_test_ice_side_connected (&f->a)
      && ja_test_ice_side_connected (&f->b);
}

/* RFC 8445 §9: new credentials on both sides, the roles kept, data going
 * on over the previous pair while the peer has not answered, then a pair
 * selected again (reported again); the candidates of the new session carry
 * generation 1 (XEP-0176). */
static void
test_restart (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *old_ufrag = NULL;
  g_autofree char *old_pwd = NULL;
  g_autofree char *b_ufrag = NULL;

  ja_test_ice_exchange_credentials (&f->a, &f->b);
  gather_both (f);
  g_assert_true (ja_test_ice_wait_connected (&f->a, &f->b,
          CONNECT_TIMEOUT_MS));
  g_assert_cmpuint (f->a.n_selected, ==, 1);
  g_assert_cmpuint (f->a.max_generation, ==, 0);
  old_ufrag = g_strdup (ja_ice_agent_get_ufrag (f->a.agent));
  old_pwd = g_strdup (ja_ice_agent_get_pwd (f->a.agent));
  b_ufrag = g_strdup (ja_ice_agent_get_ufrag (f->b.agent));
  /* a restarts; b learns a's new credentials (restarting itself), and a
   * learns b's new ones; candidates are trickled again by both. */
  f->a.gathering_done = f->b.gathering_done = FALSE;
  g_assert_true (ja_ice_agent_restart (f->a.agent, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (ja_ice_agent_get_ufrag (f->a.agent), !=, old_ufrag);
  g_assert_cmpstr (ja_ice_agent_get_pwd (f->a.agent), !=, old_pwd);
  g_assert_cmpuint (ja_ice_agent_get_generation (f->a.agent), ==, 1);
  g_assert_true (ja_ice_agent_get_controlling (f->a.agent));
  /* Before the peer knows: the previous pair still carries data. */
  exchange_data (f);
  g_assert_true (ja_ice_agent_set_remote_credentials (f->b.agent,
          ja_ice_agent_get_ufrag (f->a.agent),
          ja_ice_agent_get_pwd (f->a.agent), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (ja_ice_agent_get_ufrag (f->b.agent), !=, b_ufrag);
  g_assert_false (ja_ice_agent_get_controlling (f->b.agent));
  g_assert_true (ja_ice_agent_set_remote_credentials (f->a.agent,
          ja_ice_agent_get_ufrag (f->b.agent),
          ja_ice_agent_get_pwd (f->b.agent), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ja_ice_agent_get_connect_ms (f->a.agent), ==, 0);
  g_assert_true (wait_cond (both_gathered, f, CONNECT_TIMEOUT_MS));
  g_assert_true (wait_cond (both_reselected, f, CONNECT_TIMEOUT_MS));
  g_assert_cmpuint (f->a.max_generation, ==, 1);
  g_assert_cmpuint (f->b.max_generation, ==, 1);
  assert_loopback_pair (&f->a);
  assert_loopback_pair (&f->b);
  g_test_message ("reconnected %u ms after the new credentials",
      ja_ice_agent_get_connect_ms (f->a.agent));
  exchange_data (f);
}

static gboolean
a_failed (Fixture *f)
{
  return f->a.failed_at_us != 0;
}

static void
test_peer_vanishes (Fixture *f, gconstpointer data)
{
  gint64 gone_us;
  guint ms;

  ja_test_ice_exchange_credentials (&f->a, &f->b);
  gather_both (f);
  g_assert_true (ja_test_ice_wait_connected (&f->a, &f->b,
          CONNECT_TIMEOUT_MS));
  exchange_data (f);
  f->a.peer = NULL;
  ja_test_ice_side_clear (&f->b);
  gone_us = g_get_monotonic_time ();
  g_assert_true (wait_cond (a_failed, f, CONSENT_BOUND_MS));
  ms = (f->a.failed_at_us - gone_us) / 1000;
  g_test_message ("peer gone -> %s after %u ms",
      ja_ice_state_to_string (f->a.state), ms);
  g_assert_true (f->a.state == JA_ICE_STATE_FAILED
      || f->a.state == JA_ICE_STATE_DISCONNECTED);
}

static void
test_bad_peer_input (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JaIceCandidate) c = ja_ice_candidate_new ();

  g_assert_false (ja_ice_agent_set_remote_credentials (f->a.agent, "ab",
          "short", &error));
  g_assert_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_ICE);
  g_clear_error (&error);

  c->foundation = g_strdup ("1");
  c->protocol = g_strdup ("udp");
  c->ip = g_strdup ("not-an-ip");
  c->port = 5000;
  c->priority = 1;
  g_assert_false (ja_ice_agent_add_remote_candidate (f->a.agent, c, &error));
  g_assert_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_ICE);
  g_clear_error (&error);

  g_free (c->ip);
  c->ip = g_strdup ("127.0.0.1");
  c->component = 7;
  g_assert_false (ja_ice_agent_add_remote_candidate (f->a.agent, c, &error));
  g_assert_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_ICE);
  g_clear_error (&error);

  c->component = 1;
  c->port = 70000;
  g_assert_false (ja_ice_agent_add_remote_candidate (f->a.agent, c, &error));
  g_assert_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_ICE);
  g_clear_error (&error);

  /* tcp candidates are not for ice-udp: ignored, not an error. */
  c->port = 5000;
  g_free (c->protocol);
  c->protocol = g_strdup ("tcp");
  g_assert_true (ja_ice_agent_add_remote_candidate (f->a.agent, c, &error));
  g_assert_no_error (error);

  /* Sending before any pair works is an error, not a crash. */
  g_assert_false (ja_ice_agent_send (f->a.agent, 1, (const guint8 *) "x", 1,
          &error));
  g_assert_nonnull (error);
}

/* The media thread's loop runs while it has a client. */
static const JaMediaLoopFuncs idle_client = { { NULL } };

/* b receives on the media thread (media/media-loop.h), as a call's
 * transport does after its first packet: datagrams still arrive intact,
 * on that thread; an ICE restart, whose checks b now answers there, still
 * reports b's state and pair on the main context; back on the main
 * context, data arrives there again. */
static void
test_receive_context (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  guint b_selected;

  ja_test_ice_exchange_credentials (&f->a, &f->b);
  gather_both (f);
  g_assert_true (ja_test_ice_wait_connected (&f->a, &f->b,
          CONNECT_TIMEOUT_MS));
  ja_ice_agent_set_receive_context (f->b.agent,
      ja_media_loop_add (&idle_client, f, NULL));
  exchange_data (f);
  g_assert_true (f->b.receive_thread != g_thread_self ());
  g_assert_true (f->a.receive_thread == g_thread_self ());

  b_selected = f->b.n_selected;
  f->a.gathering_done = f->b.gathering_done = FALSE;
  g_assert_true (ja_ice_agent_restart (f->a.agent, &error));
  g_assert_no_error (error);
  g_assert_true (ja_ice_agent_set_remote_credentials (f->b.agent,
          ja_ice_agent_get_ufrag (f->a.agent),
          ja_ice_agent_get_pwd (f->a.agent), &error));
  g_assert_no_error (error);
  g_assert_true (ja_ice_agent_set_remote_credentials (f->a.agent,
          ja_ice_agent_get_ufrag (f->b.agent),
          ja_ice_agent_get_pwd (f->b.agent), &error));
  g_assert_no_error (error);
  g_assert_true (wait_cond (both_gathered, f, CONNECT_TIMEOUT_MS));
  g_assert_true (wait_cond (both_reselected, f, CONNECT_TIMEOUT_MS));
  g_assert_cmpuint (f->b.n_selected, >, b_selected);
  exchange_data (f);
  g_assert_true (f->b.receive_thread != g_thread_self ());

  ja_media_loop_lock ();
  ja_ice_agent_set_receive_context (f->b.agent, NULL);
  ja_media_loop_unlock ();
  ja_media_loop_remove (f);
  exchange_data (f);
  g_assert_true (f->b.receive_thread == g_thread_self ());
  g_assert_cmpuint (f->a.off_thread_callbacks, ==, 0);
  g_assert_cmpuint (f->b.off_thread_callbacks, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/media/ice-agent/connect", Fixture, NULL, fixture_set_up,
      test_connect, fixture_tear_down);
  g_test_add ("/media/ice-agent/candidates-before-credentials", Fixture, NULL,
      fixture_set_up, test_candidates_before_credentials, fixture_tear_down);
  g_test_add ("/media/ice-agent/restart", Fixture, NULL, fixture_set_up,
      test_restart, fixture_tear_down);
  g_test_add ("/media/ice-agent/receive-context", Fixture, NULL,
      fixture_set_up, test_receive_context, fixture_tear_down);
  g_test_add ("/media/ice-agent/bad-peer-input", Fixture, NULL,
      fixture_set_up, test_bad_peer_input, fixture_tear_down);
  g_test_add ("/media/ice-agent/peer-vanishes", Fixture, NULL,
      fixture_set_up, test_peer_vanishes, fixture_tear_down);
  return g_test_run ();
}
