/* test-media-loop.c — the process-wide media thread (media/media-loop.h):
 * clients' phases run in order, every client's phase k before any phase
 * k+1, on one thread that is not the caller's, every 20 ms without drift;
 * a source attached to its context is dispatched there at the start of a
 * tick; after remove() returns no phase of that client runs; the lock
 * keeps ticks out. */
#include <string.h>

#include "media/media-loop.h"

#define N_CLIENTS 3
#define LOG_MAX 4096

typedef struct {
  guint id;
  guint ticks;
  gint64 first_us, last_us;
  GThread *thread;
} Client;

static struct {
  GMutex lock;
  char log[LOG_MAX];    /* "p<phase><id>" per call, in order */
  gsize len;
  gboolean in_locked;   /* a phase ran while the test held the lock */
  gboolean locked;
} rec;

static void
record (Client *c, guint phase, gint64 now)
{
  g_mutex_lock (&rec.lock);
  if (rec.locked)
    rec.in_locked = TRUE;
  if (rec.len + 3 < LOG_MAX) {
    rec.log[rec.len++] = (char) ('0' + phase);
    rec.log[rec.len++] = (char) ('a' + c->id);
    rec.log[rec.len++] = ' ';
  }
  if (phase == 0) {
    if (c->ticks++ == 0)
      c->first_us = now;
    c->last_us = now;
  }
  c->thread = g_thread_self ();
  g_mutex_unlock (&rec.lock);
}

static void phase0 (gpointer d, gint64 now) { record (d, 0, now); }
static void phase1 (gpointer d, gint64 now) { record (d, 1, now); }
static void phase2 (gpointer d, gint64 now) { record (d, 2, now); }

static const JaMediaLoopFuncs funcs = { { phase0, phase1, phase2 } };

static gboolean
dispatched_cb (gpointer data)
{
  g_atomic_pointer_set ((gpointer *) data, g_thread_self ());
  return G_SOURCE_REMOVE;
}

static void
test_phases (void)
{
  Client clients[N_CLIENTS];
  GThread *where = NULL;
  GSource *src;
  guint ticks_at_remove;
  char expect[64];

  memset (clients, 0, sizeof clients);
  /* All three from the same tick on. */
  ja_media_loop_lock ();
  for (guint i = 0; i < N_CLIENTS; i++) {
    clients[i].id = i;
    ja_media_loop_add (&funcs, &clients[i]);
  }
  ja_media_loop_unlock ();
  src = g_idle_source_new ();
  g_source_set_callback (src, dispatched_cb, &where, NULL);
  g_source_attach (src, ja_media_loop_get_context ());
  g_source_unref (src);
  g_usleep (500 * 1000);

  /* About 25 ticks in 0.5 s, 20 ms apart on average (a loaded machine
   * may stall the thread: then it skips ahead rather than bursting).
   * Between ticks (the loop's lock), so that no tick is half recorded. */
  ja_media_loop_lock ();
  g_mutex_lock (&rec.lock);
  for (guint i = 0; i < N_CLIENTS; i++) {
    double mean;

    g_assert_cmpuint (clients[i].ticks, >=, 10);
    g_assert_cmpuint (clients[i].ticks, <=, 27);
    mean = (double) (clients[i].last_us - clients[i].first_us)
        / (clients[i].ticks - 1);
    g_assert_cmpfloat (mean, >, 19000);
    g_assert_cmpfloat (mean, <, 30000);
    g_assert_true (clients[i].thread != NULL);
    g_assert_true (clients[i].thread != g_thread_self ());
    g_assert_true (clients[i].thread == clients[0].thread);
  }
  /* One whole tick: phase 0 of a, b, c, then phase 1 of each, then 2. */
  g_snprintf (expect, sizeof expect, "0a 0b 0c 1a 1b 1c 2a 2b 2c ");
  g_assert_cmpuint (rec.len % strlen (expect), ==, 0);
  for (gsize off = 0; off < rec.len; off += strlen (expect))
    g_assert_cmpint (memcmp (rec.log + off, expect, strlen (expect)), ==, 0);
  g_mutex_unlock (&rec.lock);
  ja_media_loop_unlock ();
  g_assert_true (g_atomic_pointer_get (&where) == clients[0].thread);
  g_assert_false (ja_media_loop_in_thread ());

  /* The lock keeps ticks out. */
  ja_media_loop_lock ();
  g_mutex_lock (&rec.lock);
  rec.locked = TRUE;
  g_mutex_unlock (&rec.lock);
  g_usleep (100 * 1000);
  g_mutex_lock (&rec.lock);
  rec.locked = FALSE;
  g_mutex_unlock (&rec.lock);
  ja_media_loop_unlock ();
  g_assert_false (rec.in_locked);

  /* After remove, never again. */
  ja_media_loop_remove (&clients[1]);
  g_mutex_lock (&rec.lock);
  ticks_at_remove = clients[1].ticks;
  g_mutex_unlock (&rec.lock);
  /* Until the others ran three more ticks (bounded: a loaded machine). */
  for (guint waited = 0; waited < 150; waited++) {
    gboolean on;

    g_usleep (20 * 1000);
    g_mutex_lock (&rec.lock);
    on = clients[0].ticks < ticks_at_remove + 3;
    g_mutex_unlock (&rec.lock);
    if (!on)
      break;
  }
  g_mutex_lock (&rec.lock);
  g_assert_cmpuint (clients[0].ticks, >=, ticks_at_remove + 3);
  g_assert_cmpuint (clients[2].ticks, >=, ticks_at_remove + 3);
  g_assert_cmpuint (clients[1].ticks, ==, ticks_at_remove);
  g_mutex_unlock (&rec.lock);
  ja_media_loop_remove (&clients[0]);
  ja_media_loop_remove (&clients[2]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/media/media-loop/phases", test_phases);
  return g_test_run ();
}
