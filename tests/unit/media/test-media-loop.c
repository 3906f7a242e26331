/* test-media-loop.c — the process's media threads (media/media-loop.h),
 * two of them here (JINGLE_AGENT_MEDIA_THREADS=2): light working clients
 * are packed on one thread; once that thread's ticks take more than half
 * of the 20 ms (a client that spins 14 ms per tick), new ones go to the
 * other; a client given another's context joins that one's thread; on
 * each thread
 * the clients' phases run in order, every client's phase k before any
 * phase k+1, on a thread that is not the caller's, every 20 ms without
 * drift; a source attached to a thread's context is dispatched there; after
 * remove() returns no phase of that client runs; the lock keeps every
 * thread's ticks out. */
#include <string.h>

#include "media/media-loop.h"

#define N_CLIENTS 5
#define HEAVY 3          /* clients[HEAVY] spins in its phase 0 */
#define SPIN_US 14000
#define N_THREADS 2
#define LOG_MAX 4096

typedef struct {
  guint id;
  guint ticks;
  gint64 first_us, last_us;
  GThread *thread;
  GMainContext *context;
  guint on;             /* which thread's log */
} Client;

typedef struct {
  char log[LOG_MAX];    /* "p<phase><id>" per call, in order */
  gsize len;
} Log;

static struct {
  GMutex lock;
  Log logs[N_THREADS];
  gboolean in_locked;   /* a phase ran while the test held the lock */
  gboolean locked;
} rec;

static void
record (Client *c, guint phase, gint64 now)
{
  Log *l = &rec.logs[c->on];

  g_mutex_lock (&rec.lock);
  if (rec.locked)
    rec.in_locked = TRUE;
  if (l->len + 3 < LOG_MAX) {
    l->log[l->len++] = (char) ('0' + phase);
    l->log[l->len++] = (char) ('a' + c->id);
    l->log[l->len++] = ' ';
  }
  if (phase == 0) {
    if (c->ticks++ == 0)
      c->first_us = now;
    c->last_us = now;
  }
  c->thread = g_thread_self ();
  g_mutex_unlock (&rec.lock);
}

static void
phase0 (gpointer d, gint64 now)
{
  record (d, 0, now);
  if (((Client *) d)->id == HEAVY) {
    gint64 until = g_get_monotonic_time () + SPIN_US;

    while (g_get_monotonic_time () < until)
      ;
  }
}
static void phase1 (gpointer d, gint64 now) { record (d, 1, now); }
static void phase2 (gpointer d, gint64 now) { record (d, 2, now); }

static const JaMediaLoopFuncs funcs = { { phase0, phase1, phase2 } };

static gboolean
dispatched_cb (gpointer data)
{
  g_atomic_pointer_set ((gpointer *) data, g_thread_self ());
  return G_SOURCE_REMOVE;
}

static const JaMediaLoopFuncs idle_funcs = { { NULL } };

/* One whole tick of `ids` (in order) on each tick of the log. */
static void
assert_ticks (const Log *l, const char *ids)
{
  char expect[64] = "";
  gsize n;

  for (guint phase = 0; phase < 3; phase++)
    for (const char *id = ids; *id != '\0'; id++) {
      char one[4] = { (char) ('0' + phase), *id, ' ', '\0' };

      g_strlcat (expect, one, sizeof expect);
    }
  n = strlen (expect);
  g_assert_cmpuint (l->len, >, 0);
  g_assert_cmpuint (l->len % n, ==, 0);
  for (gsize off = 0; off < l->len; off += n)
    g_assert_cmpint (memcmp (l->log + off, expect, n), ==, 0);
}

static void
test_phases (void)
{
  Client clients[N_CLIENTS];
  GThread *where[N_THREADS] = { NULL, NULL };
  GMainContext *idle_context;
  guint ticks_at_remove;
  int idle_owner = 0;

  g_assert_cmpuint (ja_media_loop_n_threads (), ==, N_THREADS);
  memset (clients, 0, sizeof clients);
  for (guint i = 0; i < N_CLIENTS; i++)
    clients[i].id = i;
  /* a, b, c and the heavy d, light as far as the loop knows yet: packed
   * on one thread (from the same tick on). */
  ja_media_loop_lock ();
  for (guint i = 0; i <= HEAVY; i++)
    clients[i].context = ja_media_loop_add (&funcs, &clients[i], NULL);
  ja_media_loop_unlock ();
  for (guint i = 1; i <= HEAVY; i++)
    g_assert_true (clients[i].context == clients[0].context);
  /* Once that thread measured its ticks (d's spin makes them take 70 % of
   * 20 ms; smoothed, more than half after ~5 ticks): e goes to the other
   * thread, and an idle client given e's context joins it. */
  g_usleep (300 * 1000);
  clients[4].on = 1;
  clients[4].context = ja_media_loop_add (&funcs, &clients[4], NULL);
  g_assert_true (clients[4].context != clients[0].context);
  idle_context = ja_media_loop_add (&idle_funcs, &idle_owner,
      clients[4].context);
  g_assert_true (idle_context == clients[4].context);
  /* The counts below from here on. */
  ja_media_loop_lock ();
  g_mutex_lock (&rec.lock);
  for (guint i = 0; i < N_CLIENTS; i++)
    clients[i].ticks = 0;
  rec.logs[0].len = rec.logs[1].len = 0;
  g_mutex_unlock (&rec.lock);
  ja_media_loop_unlock ();
  where[0] = where[1] = NULL;
  for (guint t = 0; t < N_THREADS; t++) {
    GSource *src = g_idle_source_new ();

    g_source_set_callback (src, dispatched_cb, &where[t], NULL);
    g_source_attach (src, clients[t == 0 ? 0 : 4].context);
    g_source_unref (src);
  }
  g_usleep (500 * 1000);

  /* About 25 ticks in 0.5 s, 20 ms apart on average (a loaded machine
   * may stall a thread: then it skips ahead rather than bursting).
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
    g_assert_true (clients[i].thread == clients[i < 4 ? 0 : 4].thread);
  }
  g_assert_true (clients[0].thread != clients[4].thread);
  /* One whole tick per thread: phase 0 of each of its clients, then
   * phase 1 of each, then 2. */
  assert_ticks (&rec.logs[0], "abcd");
  assert_ticks (&rec.logs[1], "e");
  g_mutex_unlock (&rec.lock);
  ja_media_loop_unlock ();
  for (guint t = 0; t < N_THREADS; t++)
    g_assert_true (g_atomic_pointer_get (&where[t])
        == clients[t == 0 ? 0 : 4].thread);
  g_assert_false (ja_media_loop_in_thread ());
  g_assert_null (ja_media_loop_thread_context ());

  /* The lock keeps ticks out, on both threads. */
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
  ja_media_loop_remove (&clients[2]);
  g_mutex_lock (&rec.lock);
  ticks_at_remove = clients[2].ticks;
  g_mutex_unlock (&rec.lock);
  /* Until the others ran three more ticks (bounded: a loaded machine). */
  for (guint waited = 0; waited < 150; waited++) {
    gboolean on;

    g_usleep (20 * 1000);
    g_mutex_lock (&rec.lock);
    on = clients[0].ticks < ticks_at_remove + 3
        || clients[4].ticks < ticks_at_remove + 3;
    g_mutex_unlock (&rec.lock);
    if (!on)
      break;
  }
  g_mutex_lock (&rec.lock);
  g_assert_cmpuint (clients[0].ticks, >=, ticks_at_remove + 3);
  g_assert_cmpuint (clients[4].ticks, >=, ticks_at_remove + 3);
  g_assert_cmpuint (clients[2].ticks, ==, ticks_at_remove);
  g_mutex_unlock (&rec.lock);
  /* Without the heavy client thread 0 is light again once it measured so
   * (~10 ticks); it has two working clients, thread 1 one (the idle
   * client counts for nothing): a new one is packed on thread 0. */
  ja_media_loop_remove (&clients[HEAVY]);
  g_usleep (400 * 1000);
  g_assert_true (ja_media_loop_add (&funcs, &clients[2], NULL)
      == clients[0].context);
  ja_media_loop_remove (&clients[2]);
  ja_media_loop_remove (&clients[1]);
  ja_media_loop_remove (&clients[4]);
  ja_media_loop_remove (&idle_owner);
  ja_media_loop_remove (&clients[0]);
}

int
main (int argc, char **argv)
{
  g_setenv ("JINGLE_AGENT_MEDIA_THREADS", "2", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/media/media-loop/phases", test_phases);
  return g_test_run ();
}
