Console.WriteLine("CourseRunner");
