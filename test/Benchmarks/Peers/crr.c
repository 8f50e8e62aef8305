// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * TCP connect-request-response, for scripts/bench-peers.sh: every transaction is a new
 * connection (connect, 1-byte request, 1-byte response, close), so each one is a new flow
 * for whatever filters the server's traffic.
 *
 *   crr server ADDR PORT [WORKERS]    serve until killed (WORKERS processes share the listener)
 *   crr client ADDR PORT SECONDS      one connection at a time; prints transactions per second
 *   crr storm ADDR PORT SECONDS       the same loop; prints "DONE FAILED SECONDS" (exact counts)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static struct sockaddr_in address_of(const char *addr, const char *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(port)) };

	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "crr: bad IPv4 address '%s'\n", addr);
		exit(2);
	}
	return sa;
}

static int serve(struct sockaddr_in sa, int workers)
{
	int one = 1, listener = socket(AF_INET, SOCK_STREAM, 0);

	setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(listener, (struct sockaddr *)&sa, sizeof(sa)) || listen(listener, 4096)) {
		perror("crr server");
		return 1;
	}
	/* Each worker serves one connection at a time; a killed parent takes its workers with it. */
	for (int i = 1; i < workers; i++) {
		if (fork() == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			break;
		}
	}
	for (;;) {
		char byte;
		int c = accept(listener, NULL, NULL);

		if (c < 0)
			continue;
		/* Request, response, then wait for the client's close: it keeps the TIME_WAIT. */
		if (read(c, &byte, 1) == 1 && write(c, &byte, 1) == 1)
			(void)read(c, &byte, 1);
		close(c);
	}
}

static double seconds_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct totals {
	long done, failed;
	double seconds;
};

/* New connections one after another for the given time: connect, 1-byte request, 1-byte response, close. */
static struct totals transact(struct sockaddr_in sa, double seconds)
{
	double start = seconds_now(), end = start + seconds, now = start;
	struct totals t = { 0, 0, 0 };

	while (now < end) {
		char byte = 'x';
		int s = socket(AF_INET, SOCK_STREAM, 0);

		if (s >= 0 && connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
		    write(s, &byte, 1) == 1 && read(s, &byte, 1) == 1)
			t.done++;
		else
			t.failed++;
		if (s >= 0)
			close(s);
		if ((t.done + t.failed) % 64 == 0)
			now = seconds_now();
	}
	t.seconds = seconds_now() - start;
	return t;
}

static int client(struct sockaddr_in sa, double seconds)
{
	struct totals t = transact(sa, seconds);

	if (t.failed > t.done / 100) {
		fprintf(stderr, "crr client: %ld of %ld transactions failed (%s)\n", t.failed, t.done + t.failed, strerror(errno));
		return 1;
	}
	printf("%.0f\n", t.done / t.seconds);
	return 0;
}

static int storm(struct sockaddr_in sa, double seconds)
{
	struct totals t = transact(sa, seconds);

	printf("%ld %ld %.3f\n", t.done, t.failed, t.seconds);
	return 0;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "server"))
		return serve(address_of(argv[2], argv[3]), argc == 5 ? atoi(argv[4]) : 1);
	if (argc == 5 && !strcmp(argv[1], "client"))
		return client(address_of(argv[2], argv[3]), atof(argv[4]));
	if (argc == 5 && !strcmp(argv[1], "storm"))
		return storm(address_of(argv[2], argv[3]), atof(argv[4]));
	fprintf(stderr, "usage: crr server ADDR PORT [WORKERS] | crr client|storm ADDR PORT SECONDS\n");
	return 2;
}
