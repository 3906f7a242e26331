/* ja-test-ice.c — see ja-test-ice.h. */
#include "tests/support/ja-test-ice.h"

/* Every callback but receive must come on the side's own thread. */
static void
check_thread (JaTestIceSide *side)
{
  if (g_thread_self () != side->owner)
    side->off_thread_callbacks++;
}

static void
local_candidate_cb (JaIceAgent *agent, const JaIceCandidate *cand,
    gpointer user_data)
{
  JaTestIceSide *side = user_data;
  g_autoptr (GError) error = NULL;

  check_thread (side);
  side->n_local++;
  side->max_generation = MAX (side->max_generation, cand->generation);
  if (cand->type == JA_ICE_CANDIDATE_RELAY)
    side->n_local_relay++;
  if (side->peer == NULL || side->peer->agent == NULL)
    return;
  g_assert_true (ja_ice_agent_add_remote_candidate (side->peer->agent, cand,
          &error));
  g_assert_no_error (error);
}

static void
gathering_done_cb (JaIceAgent *agent, gpointer user_data)
{
  JaTestIceSide *side = user_data;

  check_thread (side);
  side->gathering_done = TRUE;
  if (side->peer != NULL && side->peer->agent != NULL)
    ja_ice_agent_remote_gathering_done (side->peer->agent);
}

static void
state_changed_cb (JaIceAgent *agent, guint component, JaIceState state,
    gpointer user_data)
{
  JaTestIceSide *side = user_data;

  check_thread (side);
  if (component != 1)
    return;
  side->state = state;
  if (state == JA_ICE_STATE_CONNECTED || state == JA_ICE_STATE_READY)
    side->was_connected = TRUE;
  else if (side->was_connected && side->failed_at_us == 0
      && (state == JA_ICE_STATE_FAILED
          || state == JA_ICE_STATE_DISCONNECTED))
    side->failed_at_us = g_get_monotonic_time ();
}

static void
selected_pair_cb (JaIceAgent *agent, guint component,
    const JaIceCandidate *local, const JaIceCandidate *remote,
    gpointer user_data)
{
  JaTestIceSide *side = user_data;

  check_thread (side);
  if (component != 1)
    return;
  g_clear_pointer (&side->sel_local, ja_ice_candidate_free);
  g_clear_pointer (&side->sel_remote, ja_ice_candidate_free);
  side->n_selected++;
  side->sel_local = ja_ice_candidate_copy (local);
  side->sel_remote = ja_ice_candidate_copy (remote);
}

static void
receive_cb (JaIceAgent *agent, guint component, const guint8 *data,
    gsize len, gpointer user_data)
{
  JaTestIceSide *side = user_data;

  if (component != 1)
    return;
  g_mutex_lock (&side->lock);
  g_ptr_array_add (side->received, g_bytes_new (data, len));
  side->receive_thread = g_thread_self ();
  g_mutex_unlock (&side->lock);
}

static const JaIceCallbacks callbacks = {
  .local_candidate = local_candidate_cb,
  .gathering_done = gathering_done_cb,
  .state_changed = state_changed_cb,
  .selected_pair = selected_pair_cb,
  .receive = receive_cb,
};

void
ja_test_ice_side_init (JaTestIceSide *side, const char *name,
    const JaIceConfig *config)
{
  g_autoptr (GError) error = NULL;

  side->name = name;
  g_mutex_init (&side->lock);
  side->owner = g_thread_self ();
  side->received = g_ptr_array_new_with_free_func (
      (GDestroyNotify) g_bytes_unref);
  side->agent = ja_ice_agent_new (config, &callbacks, side, &error);
  g_assert_no_error (error);
  g_assert_nonnull (side->agent);
}

void
ja_test_ice_side_clear (JaTestIceSide *side)
{
  g_clear_pointer (&side->agent, ja_ice_agent_free);
  g_clear_pointer (&side->sel_local, ja_ice_candidate_free);
  g_clear_pointer (&side->sel_remote, ja_ice_candidate_free);
  g_clear_pointer (&side->received, g_ptr_array_unref);
  g_mutex_clear (&side->lock);
}

void
ja_test_ice_exchange_credentials (JaTestIceSide *a, JaTestIceSide *b)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (ja_ice_agent_set_remote_credentials (a->agent,
          ja_ice_agent_get_ufrag (b->agent), ja_ice_agent_get_pwd (b->agent),
          &error));
  g_assert_no_error (error);
  g_assert_true (ja_ice_agent_set_remote_credentials (b->agent,
          ja_ice_agent_get_ufrag (a->agent), ja_ice_agent_get_pwd (a->agent),
          &error));
  g_assert_no_error (error);
}

gboolean
ja_test_ice_side_connected (JaTestIceSide *side)
{
  return side->state == JA_ICE_STATE_CONNECTED
      || side->state == JA_ICE_STATE_READY;
}

typedef struct {
  JaTestIceSide *a, *b;
} Pair;

static gboolean
both_connected (gpointer data)
{
  Pair *p = data;

  return ja_test_ice_side_connected (p->a) && ja_test_ice_side_connected (p->b)
      && p->a->sel_local != NULL && p->b->sel_local != NULL;
}

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
ja_test_ice_wait_connected (JaTestIceSide *a, JaTestIceSide *b,
    guint timeout_ms)
{
  Pair p = { a, b };
  gboolean fired = FALSE;
  guint id = g_timeout_add (timeout_ms, timeout_cb, &fired);
  gboolean ok;

  while (!(ok = both_connected (&p)) && !fired)
    g_main_context_iteration (NULL, TRUE);
  if (!fired)
    g_source_remove (id);
  return ok;
}
