/* ja-test-ice.h — two JaIceAgents wired to each other in one process for
 * tests and benches: each side trickles its local candidates and its
 * end-of-candidates to the other through the JaIceCallbacks, and records
 * states, the selected pair and the datagrams it receives. */
#pragma once

#include "media/ice-agent.h"

G_BEGIN_DECLS

typedef struct _JaTestIceSide JaTestIceSide;

struct _JaTestIceSide {
  const char *name;
  JaIceAgent *agent;
  JaTestIceSide *peer;          /* where candidates go (unowned, nullable) */
  JaIceState state;             /* of component 1 */
  gboolean gathering_done;
  gboolean was_connected;
  guint n_local;                /* candidates announced */
  guint n_local_relay;
  JaIceCandidate *sel_local;    /* component 1's selected pair, or NULL */
  JaIceCandidate *sel_remote;
  guint n_selected;             /* selected pairs reported (component 1) */
  guint max_generation;         /* highest generation announced */
  GPtrArray *received;          /* GBytes*, component 1; under lock */
  GMutex lock;                  /* receive may run on another thread */
  GThread *owner;               /* the thread that made the side */
  GThread *receive_thread;      /* where the last datagram came in */
  guint off_thread_callbacks;   /* other callbacks not on owner: a bug */
  gint64 failed_at_us;          /* first FAILED/DISCONNECTED after connected */
};

/* Fills a side and creates its agent with config (callbacks are the
 * harness's); fails the test on error. */
void ja_test_ice_side_init (JaTestIceSide *side, const char *name,
    const JaIceConfig *config);
void ja_test_ice_side_clear (JaTestIceSide *side);

/* Gives each side the other's ufrag/pwd. */
void ja_test_ice_exchange_credentials (JaTestIceSide *a, JaTestIceSide *b);

/* TRUE once component 1 of the side is CONNECTED or READY. */
gboolean ja_test_ice_side_connected (JaTestIceSide *side);
/* Waits for both sides to be connected. */
gboolean ja_test_ice_wait_connected (JaTestIceSide *a, JaTestIceSide *b,
    guint timeout_ms);

G_END_DECLS
