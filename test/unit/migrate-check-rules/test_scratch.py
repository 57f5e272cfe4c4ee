import os
import subprocess
import sys
import unittest

from tldr_migrate_check import scratch


class ScratchNames(unittest.TestCase):
    def test_a_new_name_records_this_process_and_is_not_gone(self):
        name = scratch.new_name()
        self.assertRegex(name, scratch.NAME_RE)
        self.assertLessEqual(len(name), 63)
        self.assertIn("_%d_" % os.getpid(), name)
        self.assertFalse(scratch.owner_gone(name))

    def test_a_dead_process_and_a_reused_pid_are_gone(self):
        code = "from tldr_migrate_check import scratch; print(scratch.new_name())"
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
        dead = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout.strip()
        self.assertTrue(scratch.owner_gone(dead))
        reused = "tldr_scratch_%s_%d_%s_abcdef" % (scratch.host_token(), os.getpid(), "f" * 8)
        self.assertTrue(scratch.owner_gone(reused))

    def test_other_hosts_and_old_names_are_left_alone(self):
        self.assertFalse(scratch.owner_gone("tldr_scratch_00000000_1_%s_abcdef" % ("0" * 8)))
        self.assertFalse(scratch.owner_gone("tldr_scratch_0123456789ab"))
