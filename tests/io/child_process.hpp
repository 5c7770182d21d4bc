#pragma once
// Runs a test body in a forked child, so resource limits and signal settings it changes do not
// leak into the test process, and so a crash at exit (in HDF5's clean-up) shows as a signal.
#include <sys/wait.h>
#include <unistd.h>
#include <cstdlib>
#include <exception>
#include <functional>
#include <string>

namespace io_test {

struct ChildResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  std::string message;  // what the body returned
};

inline ChildResult in_child(const std::function<std::string()>& body) {
  int fds[2];
  if (::pipe(fds) != 0) return {};
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    std::string message;
    int code = 0;
    try {
      message = body();
    } catch (const std::exception& e) {
      message = std::string("unexpected exception: ") + e.what();
      code = 3;
    }
    for (std::size_t done = 0; done < message.size();) {
      const auto n = ::write(fds[1], message.data() + done, message.size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    ::close(fds[1]);
    std::exit(code);  // a normal exit: runs HDF5's atexit clean-up
  }
  ::close(fds[1]);
  ChildResult r;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;)
    r.message.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  return r;
}

}  // namespace io_test
