// Interruption (issue #7): SIGINT/SIGTERM stop at a step boundary with a checkpoint and exit
// 130/143; kill -9 leaves at most temporary files; `kochmon resume` finishes with series
// bit-identical to an uninterrupted run, at any thread count.

#include <chrono>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/integration/cli_support.h"

namespace kochmon::tests {
namespace {

namespace fs = std::filesystem;

std::string base() {
  return source_dir() + "/scenarios/kyrgyzstan/base.yaml";
}
const std::string SCALE = "--set scale=0.01 --set time.end=2016-12";

//! Starts kochmon in the background; returns its pid.
pid_t spawn(const std::string& args) {
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string cmd = kochmon_bin() + " " + args + " >/dev/null 2>&1";
    execl("/bin/sh", "sh", "-c", ("exec " + cmd).c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

//! Waits (up to 60 s) until `path` exists.
bool wait_for(const fs::path& path) {
  for (int i = 0; i < 6000; ++i) {
    if (fs::exists(path)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST(Resume, SignalsCheckpointAndResumeIsBitIdentical) {
  const auto dir = temp_dir("resume");
  const auto reference = (dir / "straight.h5").string();
  ASSERT_EQ(kochmon("run " + base() + " " + SCALE + " -q --threads 2 -o " + reference).code, 0);

  struct Case {
    int signal, checkpoint_every, threads_before, threads_after, expected_exit;
  };
  for (const Case c :
       {Case{SIGINT, 5, 1, 2, 130}, Case{SIGTERM, 13, 2, 1, 143}, Case{SIGINT, 29, 2, 2, 130}}) {
    const auto out = dir / ("run" + std::to_string(c.checkpoint_every) + ".h5");
    const fs::path ckpt = out.string() + ".ckpt";
    const pid_t pid =
        spawn("run " + base() + " " + SCALE + " -q --threads " + std::to_string(c.threads_before) +
              " --checkpoint-every " + std::to_string(c.checkpoint_every) + " -o " + out.string());
    ASSERT_TRUE(wait_for(ckpt)) << "no periodic checkpoint appeared";
    kill(pid, c.signal);
    EXPECT_EQ(wait_exit(pid), c.expected_exit);
    EXPECT_FALSE(fs::exists(out)) << "an interrupted run must not leave a result file";
    EXPECT_FALSE(fs::exists(out.string() + ".tmp"));
    ASSERT_TRUE(fs::exists(ckpt));
    const auto r =
        kochmon("resume " + ckpt.string() + " -q --threads " + std::to_string(c.threads_after));
    ASSERT_EQ(r.code, 0) << r.out;
    EXPECT_TRUE(fs::exists(out));
    EXPECT_FALSE(fs::exists(ckpt)) << "a completed run removes its checkpoint";
    const auto d = shell("h5diff " + reference + " " + out.string() + " /series /series");
    EXPECT_EQ(d.code, 0) << "checkpoint every " << c.checkpoint_every << ": " << d.out;
  }
}

TEST(Resume, KillNineLeavesNoCorruptFinalFileAndTheLastCheckpointResumes) {
  const auto dir = temp_dir("kill9");
  const auto reference = (dir / "straight.h5").string();
  ASSERT_EQ(kochmon("run " + base() + " " + SCALE + " -q -o " + reference).code, 0);
  const auto out = dir / "killed.h5";
  const fs::path ckpt = out.string() + ".ckpt";
  const pid_t pid =
      spawn("run " + base() + " " + SCALE + " -q --checkpoint-every 7 -o " + out.string());
  ASSERT_TRUE(wait_for(ckpt));
  kill(pid, SIGKILL);
  EXPECT_EQ(wait_exit(pid), 128 + SIGKILL);
  EXPECT_FALSE(fs::exists(out)) << "kill -9 must never leave a file under the final name";
  // At most temporary files remain besides the last complete checkpoint.
  for (const auto& e : fs::directory_iterator(dir)) {
    const auto name = e.path().filename().string();
    EXPECT_TRUE(name == "straight.h5" || name == "killed.h5.ckpt" || name.ends_with(".tmp"))
        << name;
  }
  const auto r = kochmon("resume " + ckpt.string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(shell("h5diff " + reference + " " + out.string() + " /series /series").code, 0);
  // The summary names the file the resume wrote (the interrupted run's).
  EXPECT_NE(r.out.find("written: " + out.string()), std::string::npos) << r.out;
}

TEST(Resume, ChangedScenarioOrForeignFileIsRefused) {
  const auto dir = temp_dir("resume-bad");
  const auto scen = dir / "tiny.yaml";
  fs::copy_file(source_dir() + "/scenarios/examples/tiny.yaml", scen);
  const auto out = dir / "t.h5";
  const pid_t pid = spawn("run " + scen.string() +
                          " -q --set time.end=2030-12 --checkpoint-every 50 -o " + out.string());
  ASSERT_TRUE(wait_for(out.string() + ".ckpt"));
  kill(pid, SIGTERM);
  wait_exit(pid);
  if (!fs::exists(out.string() + ".ckpt")) GTEST_SKIP() << "the run finished before the signal";
  {
    std::FILE* f = std::fopen(scen.c_str(), "a");
    std::fputs("world_seed: 4242\n", f); // a different population
    std::fclose(f);
  }
  const auto r = kochmon("resume " + out.string() + ".ckpt -q");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("has changed since the checkpoint"), std::string::npos) << r.out;
  // A result file is not a checkpoint.
  const auto res = dir / "r.h5";
  ASSERT_EQ(
      kochmon("run " + source_dir() + "/scenarios/examples/tiny.yaml -q -o " + res.string()).code,
      0);
  const auto r2 = kochmon("resume " + res.string());
  EXPECT_EQ(r2.code, 2) << r2.out;
  EXPECT_NE(r2.out.find("not a kochmon checkpoint"), std::string::npos) << r2.out;
}

} // namespace
} // namespace kochmon::tests
