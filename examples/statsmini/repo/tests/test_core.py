import unittest

import statsmini


class CoreTest(unittest.TestCase):
    def test_mean(self):
        self.assertEqual(statsmini.mean([1, 2, 3]), 2)

    def test_median_odd(self):
        self.assertEqual(statsmini.median([3, 1, 2]), 2)

    def test_convolve(self):
        self.assertEqual(statsmini.convolve([1, 2, 3], [0, 1]), [0, 1, 2, 3])

    def test_convolve_empty_kernel(self):
        with self.assertRaisesRegex(ValueError, "kernel cannot be empty"):
            statsmini.convolve([1, 2], [])


if __name__ == "__main__":
    unittest.main()
